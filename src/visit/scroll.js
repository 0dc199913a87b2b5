const pause = arguments[0], done = arguments[arguments.length - 1];
let i = 0;
(function step() {
  window.scrollBy(0, Math.floor(innerHeight * 0.8));
  if (++i < 4) setTimeout(step, pause); else done(scrollY);
})();
