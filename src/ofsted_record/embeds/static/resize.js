(function () {
  // Ofsted record embed: sets the iframe above to the height its page reports. Accepts only
  // messages from that iframe's window and origin, of our type and slug, within bounds.
  var frame = document.currentScript.previousElementSibling;
  var origin = new URL(frame.src, document.baseURI).origin;
  var slug = frame.getAttribute("data-ofsted-record-slug");
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "ofsted-record:height" || data.slug !== slug) return;
    var height = Math.ceil(Number(data.height));
    if (height > 0 && height < 20000) frame.style.height = height + "px";
  });
})();
