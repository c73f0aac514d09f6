// "Use my current location" for a location question's optional map point. Progressive enhancement:
// the button stays hidden without JavaScript or geolocation, and the typed fields still work.
for (const block of document.querySelectorAll("[data-app-geolocate]")) {
  const button = block.querySelector("[data-app-geolocate-button]");
  const status = block.querySelector("[data-app-geolocate-status]");
  const lat = document.getElementById(block.dataset.lat);
  const lng = document.getElementById(block.dataset.lng);
  if (!button || !lat || !lng || !("geolocation" in navigator)) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
        status.textContent = `Map point added: ${lat.value}, ${lng.value}. Still describe the place above.`;
      },
      (error) => {
        // 1 is PERMISSION_DENIED: say so, and the way on without it.
        status.textContent = error.code === 1
          ? "You did not allow us to use your location. Describe where it is instead."
          : "We could not find your location. Describe where it is instead.";
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}
