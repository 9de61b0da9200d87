// The /docs page: Swagger UI (vendored by ui/vendor-docs.sh) renders the
// committed OpenAPI document. A separate file, not an inline script, so the
// page's Content Security Policy needs no 'unsafe-inline' for scripts.
/* global SwaggerUIBundle */

// The document's servers list names the developer's `make run` address;
// "Try it out" must call the server that serves this page (the only one the
// page's connect-src allows), wherever it runs.
const thisServer = () => ({
  statePlugins: {
    spec: {
      wrapActions: {
        updateJsonSpec: (update) => (spec) =>
          update({ ...spec, servers: [{ url: window.location.origin, description: "This server" }] }),
      },
    },
  },
});

window.ui = SwaggerUIBundle({
  url: "/api/openapi.yaml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  plugins: [thisServer],
  // "Try it out" sends real requests: only reads are offered, so the page
  // cannot be used to ask, vote, delete or start a scrape by accident.
  supportedSubmitMethods: ["get"],
  // Never load the online validator's badge from another host.
  validatorUrl: null,
  // The spec comes from url only, never from ?url= or ?configUrl= in the
  // address (the default since Swagger UI 4, kept explicit).
  queryConfigEnabled: false,
});
