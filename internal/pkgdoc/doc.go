// Package pkgdoc holds a repository-wide test: every Go package in the
// module has exactly one package doc comment, so `go doc` always says what
// a package is for.
package pkgdoc
