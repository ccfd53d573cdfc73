// The package version, kept in one place (bumped with package.json).
export const VERSION = "0.1.0";
