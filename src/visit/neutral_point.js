const bad = 'a,button,input,select,textarea,label,summary,form,iframe,video,audio,[onclick],[role=button],[role=link],[contenteditable=""],[contenteditable=true]';
const w = innerWidth, h = innerHeight;
for (const fy of [0.5, 0.3, 0.7, 0.15, 0.85]) for (const fx of [0.95, 0.05, 0.5, 0.25, 0.75]) {
  const x = Math.floor(w * fx), y = Math.floor(h * fy);
  const el = document.elementFromPoint(x, y);
  if (el && !el.closest(bad)) return [x, y];
}
return null;
