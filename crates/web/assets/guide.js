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
  var page = 1;
  var more = false;
  var first = null; // the first candidate shown: {word, used}
  var asked = 0;    // the latest request (older answers are dropped)
  var timer = null;

  function perPage() { return window.innerWidth >= 1280 ? 8 : 6; }

  function hint(text) {
    bar.textContent = '';
    var s = document.createElement('span');
    s.className = 'kbd-hint';
    s.textContent = text;
    bar.appendChild(s);
  }

  function show(list) {
    bar.textContent = '';
    first = list.length ? list[0] : null;
    if (!list.length) { hint('没有对应的词，请删掉几个字母或换个拼法'); return; }
    list.forEach(function (c) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = c.word;
      b.setAttribute('data-cand', c.word);
      b.setAttribute('data-used', String(c.used));
      bar.appendChild(b);
    });
  }

  function refresh() {
    shown.textContent = letters;
    first = null;
    prev.disabled = true;
    next.disabled = true;
    if (!letters) { first = null; hint('候选词显示在这里'); return; }
    clearTimeout(timer);
    // Taps in quick succession ask once.
    timer = setTimeout(fetchPage, 60);
  }

  function fetchPage() {
    var mine = ++asked;
    var url = '/api/guide/keyboard?letters=' + encodeURIComponent(letters) +
      '&page=' + page + '&per_page=' + perPage();
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; });
      })
      .then(function (res) {
        if (mine !== asked) return;
        if (res.status !== 200) {
          first = null;
          hint(res.status === 429 ? '点得太快了，请稍等再点' :
            ((res.body && res.body.error && res.body.error.message) || '暂时无法联想，请用右边的常用词'));
          return;
        }
        show(res.body.candidates || []);
        more = !!res.body.more;
        prev.disabled = page <= 1;
        next.disabled = !more;
      })
      .catch(function () {
        if (mine !== asked) return;
        first = null;
        hint('暂时无法联想，请用常用词');
      });
  }

  function type(l) {
    if (letters.length >= 30) return;
    letters += l;
    page = 1;
    refresh();
  }

  function take(word, used) {
    append(word);
    letters = letters.slice(used);
    page = 1;
    refresh();
  }

  kbd.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b || b.disabled) return;
    if (b.dataset.key) type(b.dataset.key);
    else if (b.hasAttribute('data-cand')) take(b.getAttribute('data-cand'), Number(b.getAttribute('data-used')) || letters.length);
    else if (b.hasAttribute('data-kbd-back')) {
      if (letters) { letters = letters.slice(0, -1); page = 1; refresh(); } else dropLast();
    } else if (b.hasAttribute('data-kbd-clear')) {
      letters = ''; page = 1; input.value = ''; refresh();
    } else if (b.hasAttribute('data-kbd-space')) {
      if (letters && first) take(first.word, first.used);
      else if (!letters && input.value && !/\s$/.test(input.value)) append(' ');
    } else if (b.hasAttribute('data-kbd-prev')) {
      if (page > 1) { page -= 1; fetchPage(); }
    } else if (b.hasAttribute('data-kbd-next')) {
      if (more) { page += 1; fetchPage(); }
    } else if (b.hasAttribute('data-kbd-enter')) {
      // Letters still typed: their first candidate joins the question first.
      if (letters && first) append(first.word);
      letters = '';
      shown.textContent = '';
    }
  });
  refresh();
})();
