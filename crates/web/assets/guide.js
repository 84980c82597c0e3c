// 智能导办 on the kiosk: the word pad adds everyday words to the question
// (the kiosk has no Chinese keyboard).
(function () {
  var pad = document.querySelector('[data-guide-words]');
  var input = document.getElementById('guide-q');
  if (!pad || !input) return;
  pad.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b) return;
    if (b.hasAttribute('data-word-clear')) input.value = '';
    else if (b.hasAttribute('data-word-back')) input.value = Array.from(input.value).slice(0, -1).join('');
    else if (b.dataset.word) input.value += b.dataset.word;
  });
})();
