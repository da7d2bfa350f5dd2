// The page's Content-Security-Policy allows no eval. Vugu's DOM renderer installs its
// JavaScript helper with window.eval(script) once at start; this runs that script as an
// inline <script> instead, which the policy allows by the script's hash (server/web/csp).
// Any other script text is refused, as eval would be.
window.eval = function (src) {
  const s = document.createElement("script");
  s.textContent = String(src);
  document.head.appendChild(s);
  s.remove();
};
