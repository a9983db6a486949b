// Package logging is the server's log: a small log/slog handler that prints one
// line per event, tagged with the protocol layer that speaks.
//
//	0.004s [main]  listening  http=http://localhost:8080 udp=15000
//	1.210s [ws]    session opened  session=3f9a origin=http://localhost:8080
//	1.211s [sdp]   offer  session=3f9a
//	               │ v=0
//	               │ o=- 5179826395372712403 2 IN IP4 127.0.0.1
//
// The first column is the time since the program started, so a reader sees how
// long each layer takes. The layer tag comes from the "layer" attribute (see
// [Layer]). A value that spans several lines (an SDP, a hexdump) is printed
// below its line, indented behind "│". Colour is used only on a terminal.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LayerKey is the attribute that names the layer a log line belongs to.
const LayerKey = "layer"

// Layer returns a logger whose lines carry the tag [name].
func Layer(log *slog.Logger, name string) *slog.Logger {
	return log.With(slog.String(LayerKey, name))
}

// Handler is a slog.Handler that writes the format described in the package
// comment. Handlers made by WithAttrs share the writer, its lock and the start time.
type Handler struct {
	out   *output      // where lines go, shared by every derived handler
	level slog.Leveler // lowest level printed
	layer string       // the tag, from a "layer" attribute
	attrs string       // attributes added by WithAttrs, already formatted
	block []slog.Attr  // multi-line attributes added by WithAttrs
	group string       // prefix for keys, from WithGroup ("" or "name.")
}

// output is the writer shared by a handler and all handlers derived from it.
type output struct {
	mu    sync.Mutex // one line (and its block) at a time
	w     io.Writer  // the destination
	color bool       // ANSI colours on
	start time.Time  // time zero of the first column
}

// New returns a handler writing to w. Colour is on when color is true; use
// [IsTerminal] to decide.
func New(w io.Writer, level slog.Leveler, color bool) *Handler {
	return &Handler{out: &output{w: w, color: color, start: time.Now()}, level: level, layer: "main"}
}

// IsTerminal reports whether f is a terminal and colour is wanted there
// (the NO_COLOR convention, https://no-color.org, turns it off).
func IsTerminal(f *os.File) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// WithAttrs implements slog.Handler. A "layer" attribute becomes the tag.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.block = slices.Clip(h.block)
	var b strings.Builder
	b.WriteString(h.attrs)
	for _, a := range attrs {
		if a.Key == LayerKey && h.group == "" {
			h2.layer = a.Value.String()
			continue
		}
		h2.appendAttr(&b, a)
	}
	h2.attrs = b.String()
	return &h2
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

// Handle implements slog.Handler: it formats the record and writes it at once.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	elapsed := r.Time.Sub(h.out.start).Seconds()
	if r.Time.IsZero() {
		elapsed = time.Since(h.out.start).Seconds()
	}
	h2 := *h
	var attrs strings.Builder
	attrs.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		h2.appendAttr(&attrs, a)
		return true
	})

	c := h.out.color
	var b strings.Builder
	b.WriteString(paint(c, dim, fmt.Sprintf("%7.3fs", elapsed)))
	b.WriteByte(' ')
	b.WriteString(paint(c, layerColor(h2.layer), fmt.Sprintf("%-7s", "["+h2.layer+"]")))
	b.WriteByte(' ')
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString(paint(c, red, "ERROR") + " ")
	case r.Level >= slog.LevelWarn:
		b.WriteString(paint(c, yellow, "WARN") + " ")
	case r.Level < slog.LevelInfo:
		b.WriteString(paint(c, dim, "DEBUG") + " ")
	}
	b.WriteString(r.Message)
	if attrs.Len() > 0 {
		b.WriteString(" ")
		b.WriteString(attrs.String())
	}
	b.WriteByte('\n')
	for _, a := range h2.block {
		if len(h2.block) > 1 { // say which value each block is
			b.WriteString(paint(c, dim, blockIndent+"│ "+a.Key+":"))
			b.WriteByte('\n')
		}
		for _, line := range strings.Split(strings.TrimRight(a.Value.String(), "\r\n"), "\n") {
			b.WriteString(paint(c, dim, blockIndent+"│ "))
			b.WriteString(strings.TrimRight(line, "\r"))
			b.WriteByte('\n')
		}
	}

	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	_, err := io.WriteString(h.out.w, b.String())
	return err
}

// blockIndent lines the "│" of a multi-line value up under the message.
const blockIndent = "                 "

// appendAttr formats one attribute as " key=value", or keeps it for the block
// below the line when its value spans several lines.
func (h *Handler) appendAttr(b *strings.Builder, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		g := *h
		g.group = h.group + a.Key + "."
		if a.Key == "" {
			g.group = h.group
		}
		for _, ga := range a.Value.Group() {
			g.appendAttr(b, ga)
		}
		h.block = g.block
		return
	}
	v := a.Value.String()
	if a.Value.Kind() == slog.KindDuration {
		v = a.Value.Duration().Round(time.Microsecond).String()
	}
	if strings.Contains(v, "\n") {
		h.block = append(h.block, a)
		return
	}
	b.WriteString(" ")
	b.WriteString(paint(h.out.color, dim, h.group+a.Key+"="))
	b.WriteString(quote(v))
}

// quote leaves simple values bare and quotes the rest, so that a line can be
// split back into its attributes (see [ParseLine]).
func quote(v string) string {
	if v == "" {
		return `""`
	}
	for _, r := range v {
		if r <= ' ' || r == '"' || r == '=' || r == '\\' || r > '~' && !strconv.IsPrint(r) {
			return strconv.Quote(v)
		}
	}
	return v
}
