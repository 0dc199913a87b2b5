// A site's own bundle that installs @sentry/browser from npm (as the Sentry docs' npm
// set-up does) and leaves it on window for the page's inline set-up.
import * as Sentry from "@sentry/browser";
window.Sentry = Sentry;
