package dtls

import (
	"crypto/rand"
	"io"
	"log/slog"
)

// randReader is crypto/rand as an io.Reader value.
type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return rand.Read(p) }

// newTextLogger returns a logger that writes everything, Debug included.
func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
