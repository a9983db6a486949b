package logging

import "hash/fnv"

// ANSI SGR colour codes (ECMA-48 §8.3.117).
const (
	dim    = "2"
	red    = "31"
	yellow = "33"
)

// layerPalette gives each layer a stable colour, so a reader's eye can follow one layer down the log.
var layerPalette = []string{"36", "32", "35", "34", "96", "92", "95", "94"}

// layerColor picks the colour of a layer tag from its name.
func layerColor(layer string) string {
	h := fnv.New32a()
	h.Write([]byte(layer))
	return layerPalette[h.Sum32()%uint32(len(layerPalette))]
}

// paint wraps s in an ANSI colour when colour is on.
func paint(on bool, code, s string) string {
	if !on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
