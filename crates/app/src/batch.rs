//! Group commit (成批提交): the queue's writes go through one writer task
//! per kind. Requests that arrive while it is writing wait on its channel and
//! are written together in the next transaction, so at the morning rush a
//! kiosk waits for one commit shared by dozens of tickets instead of queuing
//! behind dozens of commits. Under light load a batch is one request and
//! nothing waits.

use std::future::Future;
use tokio::sync::{mpsc, oneshot};

/// The most requests written in one transaction; bounds a batch's SQL size
/// and the wait of its first request.
pub const MAX_BATCH: usize = 64;

/// A writer task and the channel to it.
pub struct Batcher<Req, Resp> {
    queue: mpsc::Sender<(Req, oneshot::Sender<Resp>)>,
}

impl<Req: Send + 'static, Resp: Send + 'static> Batcher<Req, Resp> {
    /// Starts the writer: `write` gets each batch and answers in its order.
    pub fn spawn<F, Fut>(write: F) -> Batcher<Req, Resp>
    where
        F: Fn(Vec<Req>) -> Fut + Send + 'static,
        Fut: Future<Output = Vec<Resp>> + Send,
    {
        let (queue, mut incoming) = mpsc::channel::<(Req, oneshot::Sender<Resp>)>(MAX_BATCH * 64);
        tokio::spawn(async move {
            let mut waiting = Vec::with_capacity(MAX_BATCH);
            while incoming.recv_many(&mut waiting, MAX_BATCH).await > 0 {
                let (requests, replies): (Vec<Req>, Vec<oneshot::Sender<Resp>>) = waiting.drain(..).unzip();
                let answers = write(requests).await;
                for (reply, answer) in replies.into_iter().zip(answers) {
                    // The requester may have gone (client hung up); its write stands.
                    let _ = reply.send(answer);
                }
            }
        });
        Batcher { queue }
    }

    /// Writes `request` with whatever else is waiting; `None` when the writer
    /// has stopped (the runtime is shutting down).
    pub async fn submit(&self, request: Req) -> Option<Resp> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((request, reply)).await.ok()?;
        answer.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_requests_share_batches_and_each_gets_its_own_answer() {
        let batches = Arc::new(AtomicUsize::new(0));
        let counted = batches.clone();
        let batcher = Arc::new(Batcher::spawn(move |reqs: Vec<u32>| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move {
                tokio::task::yield_now().await;
                reqs.into_iter().map(|r| r * 10).collect::<Vec<_>>()
            }
        }));
        let mut tasks = Vec::new();
        for i in 0..500u32 {
            let b = batcher.clone();
            tasks.push(tokio::spawn(async move { (i, b.submit(i).await) }));
        }
        for t in tasks {
            let (i, answer) = t.await.unwrap();
            assert_eq!(answer, Some(i * 10));
        }
        let n = batches.load(Ordering::SeqCst);
        assert!(n >= 500 / MAX_BATCH, "at least ceil(500/64) batches, got {n}");
        assert!(
            n < 500,
            "requests waiting together are written together, got {n} batches"
        );
    }
}
