// The one list of package versions the shim knows. Every patch replaces a method whose body was
// read in these releases (see README "What each patch does"); on anything else the shim patches
// nothing, because a renamed method or a changed contract would be patched blindly.

/** Patterns of the versions the shim was written against: `1.7.x` = any 1.7 release. */
export const KNOWN_VERSIONS = {
  "@langchain/langgraph": ["1.7.x"],
  "@langchain/langgraph-checkpoint": ["1.2.x"],
  "@langchain/core": ["1.x"],
} as const satisfies Record<string, readonly string[]>;

export type KnownPackage = keyof typeof KNOWN_VERSIONS;

export const KNOWN_PACKAGES = Object.keys(KNOWN_VERSIONS) as KnownPackage[];

/** `1.7.3` matches `1.7.x` and `1.x`; pre-releases (`1.8.0-rc.1`) match on their numbers. */
export function versionMatches(version: string, pattern: string): boolean {
  const have = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (have === null) return false;
  const want = pattern.split(".");
  for (let i = 0; i < want.length; i += 1) {
    if (want[i] === "x") return true;
    if (want[i] !== have[i + 1]) return false;
  }
  return true;
}

/** Whether `version` of `pkg` is one the shim knows. */
export function isKnownVersion(pkg: KnownPackage, version: string): boolean {
  return KNOWN_VERSIONS[pkg].some((pattern) => versionMatches(version, pattern));
}

/**
 * The reason to refuse, or undefined when every package is installed in a known version.
 * `found` holds the installed version of each package (undefined: not installed).
 */
export function refusalReason(found: Readonly<Record<KnownPackage, string | undefined>>): string | undefined {
  const problems: string[] = [];
  for (const pkg of KNOWN_PACKAGES) {
    const version = found[pkg];
    if (version === undefined) problems.push(`${pkg} is not installed`);
    else if (!isKnownVersion(pkg, version)) problems.push(`${pkg} ${version} (known: ${KNOWN_VERSIONS[pkg].join(", ")})`);
  }
  return problems.length === 0 ? undefined : problems.join("; ");
}
