package sdp

// This file checks an answer against the offer it answers: the rules of
// RFC 3264 §6 ("Generating the Answer") and JSEP §5.3.1 ("Initial Answers")
// seen from the offerer's side, narrowed to what this server can do.

// Check says whether a is an acceptable answer to o: the same MID, the
// browser as DTLS client, video flowing from the browser, and VP8 on the
// payload type the offer chose. The first failure is returned as an *Error
// with Context "answer" that says what the browser or the page did wrong.
func (o *Offer) Check(a *Answer) error {
	if a == nil {
		return answerError(0, "no answer to check")
	}
	// JSEP §5.3.1: the answer's a=mid "MUST match that specified in the
	// offer". RTP packets are matched to the section by this MID.
	if a.MID != o.MID {
		return answerError(0, "a=mid:%s does not match the offer's a=mid:%s; the answer MUST use the offer's MID (JSEP §5.3.1)", clip(a.MID), clip(o.MID))
	}
	if err := checkSetup(a.Setup); err != nil {
		return err
	}
	if err := checkDirection(a.Direction); err != nil {
		return err
	}
	// RFC 3264 §6.1: "if a particular codec was referenced with a specific
	// payload type number in the offer, that same payload type number
	// SHOULD be used for that codec in the answer." Browsers do; this
	// server demultiplexes on that number and accepts no other.
	if a.VP8PayloadType != o.PayloadType {
		return answerError(0, "VP8 is on payload type %d, but the offer put it on %d; an answer should reuse the offer's number (RFC 3264 §6.1), and this server accepts only that one", a.VP8PayloadType, o.PayloadType)
	}
	return nil
}

// checkSetup wants the browser to be the DTLS client. The offer said
// a=setup:actpass, so the answer "MUST be 'active' or 'passive'", and a
// browser "SHOULD use the 'active' role" (JSEP §5.3.1; RFC 5763 §5
// recommends active so the handshake can start as soon as the answer is
// applied). This server only implements the DTLS server, so passive will
// not do.
func checkSetup(setup string) error {
	switch setup {
	case "active":
		return nil
	case "passive":
		return answerError(0, "a=setup:passive: the browser wants to be the DTLS server and wait for our ClientHello, but this server only implements the DTLS server role; the answer must say a=setup:active (RFC 5763 §5, JSEP §5.3.1)")
	case "actpass":
		return answerError(0, "a=setup:actpass is for offers; an answer must choose active or passive (RFC 5763 §5), and this server needs a=setup:active")
	case "holdconn":
		return answerError(0, "a=setup:holdconn: the browser holds the DTLS connection back (RFC 4145 §4); this server needs a=setup:active")
	}
	return answerError(0, "a=setup:%q: want a=setup:active (RFC 4145 §4, RFC 5763 §5)", clip(setup))
}

// checkDirection wants the browser to send. The offer said a=recvonly, and
// RFC 3264 §6.1 allows only sendonly or inactive in reply; sendrecv is
// tolerated because the video still flows our way.
//
// A browser answers inactive when the transceiver that setRemoteDescription
// created for our m= section has no track to send: the page must attach its
// camera to that transceiver (pc.addTrack(track, stream) after
// setRemoteDescription reuses it) before it calls createAnswer.
func checkDirection(direction string) error {
	switch direction {
	case "sendonly", "sendrecv":
		return nil
	case "recvonly", "inactive":
		return answerError(0, "a=%s: the browser will not send video; the page did not attach its camera track to the transceiver the offer created (call pc.addTrack(track, stream) after setRemoteDescription and before createAnswer)", direction)
	}
	return answerError(0, "direction %q: want a=sendonly (RFC 8866 §6.7, RFC 3264 §6.1)", clip(direction))
}
