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

// KeyframeRequester is what media layers that receive video may add to
// Media: the page's "request a keyframe" button (a "keyframe" message).
// Keyframe asks the browser for one at once, or says why it cannot. The
// server calls it from the session's goroutine, at most once a second per
// session (keyframeGap); with a Media that lacks it, the page is told that
// this server cannot.
type KeyframeRequester interface {
	Keyframe(s *Session) error
}

// FileServer is what media layers that save pictures may add to Media: the
// page shows the latest one. File maps a name from the URL /shots/{name}
// to a file to serve, or says no; it must accept only names it made, so
// that no request can reach another file (no "..", no other folder).
type FileServer interface {
	File(name string) (path string, ok bool)
}

// Snapshotter is what media layers that save pictures may add to Media: the
// page's "take snapshot" button (a "snapshot" message). Snapshot asks the
// browser for a keyframe, like Keyframe, and marks the JPEG made from it
// as the snapshot (a "shot" message with snapshot=true), or says why it
// cannot. It shares the keyframe button's limit of one a second.
type Snapshotter interface {
	Snapshot(s *Session) error
}
