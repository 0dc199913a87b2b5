const e = arguments[0];
if (!e || !e.isConnected) return false;
e.focus();
try { const n = e.value.length; e.setSelectionRange(n, n); } catch (x) { /* e-mail fields have no caret position */ }
return document.activeElement === e;
