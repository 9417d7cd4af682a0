// @ts-check
// The peer-range rule for backends: a published package that peers on another workspace
// package (backends -> @pointwise/core) must declare a semver range that contains that
// package's current version, and must also build against it locally (devDependency
// `workspace:*`). changesets rewrites the range only when a bump leaves it (see
// CONTRIBUTING.md); this check is the guard that the result is right after every version step.
import semver from 'semver';

/**
 * @typedef {import('./workspace.js').WorkspacePackage} WorkspacePackage
 * @typedef {{ pkg: string, peer: string, range: string, current: string | undefined, problem: string }} PeerProblem
 */

/**
 * @param {WorkspacePackage[]} packages every workspace package that may be a peer target (private ones included)
 * @param {WorkspacePackage[]} published the packages whose peer ranges are checked
 * @returns {PeerProblem[]}
 */
export function checkPeerRanges(packages, published = packages) {
  const versions = new Map(packages.map((p) => [p.name, p.manifest.version]));
  /** @type {PeerProblem[]} */
  const problems = [];
  for (const pkg of published) {
    const peers = pkg.manifest.peerDependencies ?? {};
    for (const [peer, range] of Object.entries(peers)) {
      if (!versions.has(peer)) continue; // an outside peer (none today): not ours to judge
      const current = versions.get(peer);
      const base = { pkg: pkg.name, peer, range, current };
      if (range.startsWith('workspace:')) {
        problems.push({
          ...base,
          problem: `peer range uses the workspace protocol; write an explicit semver range such as ^${current}`,
        });
        continue;
      }
      if (semver.validRange(range) === null) {
        problems.push({ ...base, problem: 'peer range is not a valid semver range' });
        continue;
      }
      if (!semver.satisfies(/** @type {string} */ (current), range, { includePrerelease: true })) {
        problems.push({
          ...base,
          problem: `peer range ${range} does not include ${peer}@${current}; set it to ^${current}`,
        });
      }
      const dev = pkg.manifest.devDependencies?.[peer];
      if (dev !== 'workspace:*') {
        problems.push({
          ...base,
          problem: `devDependencies["${peer}"] is ${dev === undefined ? 'missing' : JSON.stringify(dev)}; it must be "workspace:*" so the package builds and tests against the workspace copy`,
        });
      }
    }
  }
  return problems;
}
