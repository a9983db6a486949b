package main

import (
	"log/slog"

	"nutsandbolts/step01-signaling/cert"
	"nutsandbolts/step01-signaling/config"
	"nutsandbolts/step01-signaling/logging"
	"nutsandbolts/step01-signaling/signaling"
)

// media is everything under signaling. In step 1 there is nothing yet: the
// offer carries no candidates, so the browser has nowhere to send its
// connectivity checks and ICE never connects. Step 2 opens the UDP port.
type media struct {
	log *slog.Logger
}

// newMedia starts the layers below signaling. The certificate is the one
// whose fingerprint the offers carry; the DTLS layer (step 4) presents it.
func newMedia(cfg *config.Config, certificate *cert.Certificate, log *slog.Logger) (*media, error) {
	return &media{log: logging.Layer(log, "main")}, nil
}

// Offer adds nothing to the offer yet.
func (m *media) Offer(s *signaling.Session) []signaling.ICEServer { return nil }

// Answer accepts the checked answer; with no transport below, the session waits.
func (m *media) Answer(s *signaling.Session) error {
	s.Notify("sdp", "the server accepted the answer; it has no ICE agent yet, so ICE will not connect (step 3 adds one)")
	return nil
}

// Closed has nothing to free yet.
func (m *media) Closed(s *signaling.Session) {}

// close stops the media layers.
func (m *media) close() {}
