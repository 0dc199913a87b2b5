// A site's own bundle with plausible-tracker from npm.
import Plausible from "plausible-tracker";
window.Plausible = Plausible;
