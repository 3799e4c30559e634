// Applies the stored theme before first paint so a dark board never flashes white.
// A classic (non-module) script so it runs synchronously in <head>; theme.js owns the rest.
(function () {
  var pref = "system";
  try { pref = localStorage.getItem("paperclip.theme") || "system"; } catch (e) {}
  var dark = pref === "dark" || (pref !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  var root = document.documentElement;
  root.classList.toggle("dark", dark);
  root.style.colorScheme = dark ? "dark" : "light";
  var meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute("content", dark ? "#111113" : "#ffffff");
})();
