// A site's own bundle with @snowplow/browser-tracker from npm.
import * as snowplow from "@snowplow/browser-tracker";
window.snowplow = snowplow;
