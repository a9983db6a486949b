// Package ui is the page the browser opens: plain HTML, CSS and JavaScript
// modules, embedded in the binary, with no build step and nothing from a CDN.
// Every step serves the same page; what changes from step to step is how far
// the connection gets, and the page shows exactly that.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Files is the page's files, index.html at the root.
var Files, _ = fs.Sub(static, "static")
