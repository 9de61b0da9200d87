package main

import "embed"

// publicFiles holds the web pages. go:embed cannot reach "../", so this file
// sits at the module root beside pb_public/.
//
//go:embed all:pb_public
var publicFiles embed.FS
