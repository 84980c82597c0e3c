// 智能导办 on the kiosk (a touch screen without a keyboard of its own):
// - the word pad adds everyday words to the question;
// - the on-screen pinyin keyboard: letters are typed on large keys, the hall's
//   words they may mean come from GET /api/guide/keyboard (the rule is the
//   server's) and are tapped into the question; a candidate that uses only the
//   first letters leaves the others typed. Backspace deletes a letter, then the
//   question's last character; space takes the first candidate (or adds a
//   space); 查询 takes the first candidate of letters still typed, then asks.
// Taps only (click), nothing on hover; no libraries.
(function () {
  var input = document.getElementById('guide-q');
  if (!input) return;
  var MAX = 100; // the question's longest (characters)

  function chars() { return Array.from(input.value); }
  function append(text) {
    var next = chars().concat(Array.from(text));
    input.value = next.slice(0, MAX).join('');
  }
  function dropLast() { input.value = chars().slice(0, -1).join(''); }

  var pad = document.querySelector('[data-guide-words]');
  if (pad) {
    pad.addEventListener('click', function (e) {
      var b = e.target.closest('button');
      if (!b) return;
      if (b.hasAttribute('data-word-clear')) input.value = '';
      else if (b.hasAttribute('data-word-back')) dropLast();
      else if (b.dataset.word) append(b.dataset.word);
    });
  }

  var kbd = document.getElementById('kbd');
  if (!kbd) return;
  var shown = document.getElementById('kbd-letters');
  var bar = document.getElementById('kbd-cands');
  var prev = kbd.querySelector('[data-kbd-prev]');
  var next = kbd.querySelector('[data-kbd-next]');
  var letters = '';
  var list = [];     // the candidates fetched so far for the letters, best first
  var more = false;  // the server has more after them
  var fetched = 0;   // server pages fetched (of PER)
  var start = 0;     // the first candidate shown
  var end = 0;       // past the last candidate shown
  var starts = [];   // where the earlier pages of the bar began
  var asked = 0;     // the latest request (older answers are dropped)
  var timer = null;
  var PER = 30;      // candidates fetched at once; the bar shows as many as fit

  function hint(text) {
    bar.textContent = '';
    var s = document.createElement('span');
    s.className = 'kbd-hint';
    s.textContent = text;
    bar.appendChild(s);
  }

  function first() { return list.length ? list[0] : null; }

  // One row of candidates from `start`: as many as fit the bar's width.
  function render() {
    bar.textContent = '';
    if (!list.length) {
      hint(letters ? '没有对应的词，请删掉几个字母或换个拼法' : '候选词显示在这里');
      prev.disabled = true;
      next.disabled = true;
      return;
    }
    end = start;
    for (var i = start; i < list.length; i++) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = list[i].word;
      b.setAttribute('data-cand', list[i].word);
      b.setAttribute('data-used', String(list[i].used));
      bar.appendChild(b);
      if (bar.scrollWidth > bar.clientWidth + 1 && i > start) {
        bar.removeChild(b);
        break;
      }
      end = i + 1;
    }
    prev.disabled = starts.length === 0;
    next.disabled = end >= list.length && !more;
  }

  function load(then) {
    var mine = ++asked;
    var url = '/api/guide/keyboard?letters=' + encodeURIComponent(letters) +
      '&page=' + (fetched + 1) + '&per_page=' + PER;
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; });
      })
      .then(function (res) {
        if (mine !== asked) return;
        if (res.status !== 200) {
          hint(res.status === 429 ? '点得太快了，请稍等再点' :
            ((res.body && res.body.error && res.body.error.message) || '暂时无法联想，请用常用词'));
          return;
        }
        fetched += 1;
        list = list.concat(res.body.candidates || []);
        more = !!res.body.more;
        then();
      })
      .catch(function () {
        if (mine !== asked) return;
        hint('暂时无法联想，请用常用词');
      });
  }

  function refresh() {
    shown.textContent = letters;
    list = []; more = false; fetched = 0; start = 0; end = 0; starts = [];
    asked += 1; // an answer for the letters before is dropped
    clearTimeout(timer);
    if (!letters) { render(); return; }
    prev.disabled = true;
    next.disabled = true;
    // Taps in quick succession ask once.
    timer = setTimeout(function () { load(render); }, 60);
  }

  function nextPage() {
    if (end < list.length) { starts.push(start); start = end; render(); }
    else if (more) { load(function () { if (end < list.length) { starts.push(start); start = end; } render(); }); }
  }

  function prevPage() {
    if (starts.length) { start = starts.pop(); render(); }
  }

  function type(l) {
    if (letters.length >= 30) return;
    // The separator (xi'an) only between letters, once.
    if (l === "'" && (!letters || letters.slice(-1) === "'")) return;
    letters += l;
    refresh();
  }

  function take(word, used) {
    append(word);
    letters = letters.slice(used).replace(/^'+/, '');
    refresh();
  }

  kbd.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b || b.disabled) return;
    if (b.dataset.key) type(b.dataset.key);
    else if (b.hasAttribute('data-cand')) take(b.getAttribute('data-cand'), Number(b.getAttribute('data-used')) || letters.length);
    else if (b.hasAttribute('data-kbd-back')) {
      if (letters) { letters = letters.slice(0, -1); refresh(); } else dropLast();
    } else if (b.hasAttribute('data-kbd-clear')) {
      letters = ''; input.value = ''; refresh();
    } else if (b.hasAttribute('data-kbd-space')) {
      if (letters && first()) take(first().word, first().used);
      else if (!letters && input.value && !/\s$/.test(input.value)) append(' ');
    } else if (b.hasAttribute('data-kbd-prev')) {
      prevPage();
    } else if (b.hasAttribute('data-kbd-next')) {
      nextPage();
    } else if (b.hasAttribute('data-kbd-enter')) {
      // Letters still typed: their first candidate joins the question first.
      if (letters && first()) append(first().word);
      letters = '';
      refresh();
    }
  });
  // A pad turned or a window resized: the bar shows as many as now fit.
  window.addEventListener('resize', function () { if (list.length) render(); });
  refresh();
})();
