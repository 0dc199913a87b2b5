// A site's own bundle with @newrelic/browser-agent from npm: the BrowserAgent loader, given
// the options the page put in window.NREUM_OPTIONS before this script.
import { BrowserAgent } from "@newrelic/browser-agent/loaders/browser-agent";
window.newrelicAgent = new BrowserAgent(window.NREUM_OPTIONS);
