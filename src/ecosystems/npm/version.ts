// npm versions are semver; the shared lenient comparator also orders the odd ones advisories contain.
export { compareSemverLike as compareNpm } from '../semver.js';
