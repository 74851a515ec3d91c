// Package archtest holds tests of sihub's architecture: the dependency
// direction of DESIGN.md §1 (lower layers never import higher ones).
package archtest
