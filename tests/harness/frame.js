// Loads ?src= into the phone-sized frame and counts its loads, so the test knows when a
// navigation inside the frame has finished (window.frameLoads).
(() => {
  "use strict";
  const params = new URLSearchParams(location.search);
  const frame = document.getElementById("page");
  window.frameLoads = 0;
  frame.addEventListener("load", () => { window.frameLoads += 1; });
  frame.width = params.get("w") || "390";
  frame.height = params.get("h") || "844";
  if (params.get("nojs")) frame.sandbox = "allow-same-origin";
  if (params.get("src")) frame.src = params.get("src");
})();
