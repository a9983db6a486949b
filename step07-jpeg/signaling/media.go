package signaling

// Media is everything below signaling: in later steps STUN, ICE, DTLS, SRTP
// and RTP. The server calls it at three moments of a session's life, always
// from that session's own goroutine.
type Media interface {
	// Offer is called before the offer is sent. It may add the server's
	// candidates to s.Offer and returns the ICE servers the page should use.
	Offer(s *Session) []ICEServer
	// Answer is called with the browser's answer, already parsed and checked
	// against the offer (s.Answer). An error is sent to the browser.
	Answer(s *Session) error
	// Closed is called once when the session ends, for whatever reason, so
	// that everything held for it is freed.
	Closed(s *Session)
}
