package dtls

// Flights and retransmission, RFC 6347 §4.2.4.
//
// DTLS groups handshake messages into flights and retransmits a whole flight
// when the answer to it does not come:
//
//	Client                                          Server
//	------                                          ------
//
//	ClientHello             -------->                           Flight 1
//
//	                        <-------    HelloVerifyRequest      Flight 2
//
//	ClientHello             -------->                           Flight 3
//
//	                                           ServerHello    \
//	                                          Certificate*     \
//	                                    ServerKeyExchange*      Flight 4
//	                                   CertificateRequest*     /
//	                        <--------      ServerHelloDone    /
//
//	Certificate*                                              \
//	ClientKeyExchange                                          \
//	CertificateVerify*                                          Flight 5
//	[ChangeCipherSpec]                                         /
//	Finished                -------->                         /
//
//	                                    [ChangeCipherSpec]    \ Flight 6
//	                        <--------             Finished    /
//
//	            Figure 1. Message Flights for Full Handshake
//
// The server's rules, from the state machine of §4.2.4:
//
//   - Flight 2 (HelloVerifyRequest) is stateless: no timer, no copy; a
//     retransmitted ClientHello simply gets a new one (§4.2.1).
//   - Flight 4 starts the timer. When it fires, flight 4 is sent again and
//     the interval doubles, from 1 s up to 60 s (§4.2.4.1). A retransmitted
//     ClientHello also makes us resend it, at most once per interval.
//   - Flight 6 ends the handshake, so no timer runs ("the server ... does
//     not set a retransmit timer"); but the flight is kept, and a
//     retransmitted flight 5 means flight 6 was lost: resend it, at most
//     once per interval too.
//   - Every flight but the stateless flight 2 goes to the peer whose cookie
//     was verified, and nowhere else.
//
// A retransmitted flight is the same messages with the same message_seq,
// in new records with new sequence numbers.

import "time"

// flightMessage is one message of a flight, kept unfragmented so that it
// can be re-packed and re-encrypted on every retransmission.
type flightMessage struct {
	epoch uint16        // record epoch to send it in
	ccs   bool          // a ChangeCipherSpec record instead of a handshake message
	typ   handshakeType // msg_type (handshake messages only)
	seq   uint16        // message_seq
	body  []byte        // message body
}

// flight is a group of messages sent and retransmitted together.
type flight struct {
	number   int             // 4 or 6, as in Figure 1
	messages []flightMessage // in order
}

// sendFlight transmits a new flight and keeps it for retransmission; with
// timer set, the retransmission timer starts from its initial interval.
func (c *Conn) sendFlight(f *flight, timer bool) {
	c.flight = f
	c.transmitFlight(f)
	if timer {
		c.timer.start(c.now)
	} else {
		c.timer.stop()
	}
}

// transmitFlight packs a flight into datagrams and queues them for the
// peer.
func (c *Conn) transmitFlight(f *flight) {
	for _, d := range c.packFlight(f) {
		c.send(d)
	}
}

// peerRetransmitted is called for a fragment of a message we already
// processed. If it is the last message of the client's previous flight,
// the client has not received our answer: resend our last flight (we react
// to a message's first fragment only). The fragment is not authenticated
// in epoch 0, so it proves nothing: to keep a forged one from turning us
// into an amplifier, we resend at most once per retransmission interval
// (never less than the initial one), and only to the peer, since the
// record was from the peer or Handle would have dropped it.
func (c *Conn) peerRetransmitted(f *handshakeFragment) {
	if c.flight == nil || f.Header.MessageSeq+1 != c.rs.next || f.Header.FragmentOffset != 0 {
		return
	}
	gap := max(c.timer.interval, c.timer.initial)
	if !c.lastResend.IsZero() && c.now.Sub(c.lastResend) < gap {
		c.log.Debug("peer retransmitted; our flight was resent less than an interval ago", "flight", c.flight.number,
			"message", f.Header.Type, "seq", f.Header.MessageSeq, "interval", gap)
		return
	}
	c.lastResend = c.now
	c.log.Info("peer retransmitted, resending our flight", "flight", c.flight.number,
		"message", f.Header.Type, "seq", f.Header.MessageSeq)
	c.transmitFlight(c.flight)
}

// packFlight builds the datagrams of a flight: records packed back to back
// up to the MTU (RFC 6347 §4.1.1 allows several records per datagram), and
// a handshake message that does not fit split into fragments (§4.2.3).
func (c *Conn) packFlight(f *flight) [][]byte {
	var datagrams [][]byte
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			datagrams = append(datagrams, cur)
			cur = nil
		}
	}
	emit := func(epoch uint16, ct contentType, payload []byte) {
		rec, err := c.sealRecord(epoch, ct, payload)
		if err != nil {
			return
		}
		if len(cur)+len(rec) > c.cfg.MTU {
			flush()
		}
		cur = append(cur, rec...)
	}
	for _, m := range f.messages {
		if m.ccs {
			emit(m.epoch, contentChangeCipherSpec, (&changeCipherSpecMsg{}).marshal())
			continue
		}
		overhead := recordHeaderLen + handshakeHeaderLen
		if m.epoch > 0 {
			overhead += aeadOverhead
		}
		for off := 0; ; {
			room := c.cfg.MTU - len(cur) - overhead
			remaining := len(m.body) - off
			if room < remaining && room < 64 {
				// Not worth a tiny fragment: start a new datagram.
				flush()
				room = c.cfg.MTU - overhead
			}
			n := min(remaining, room)
			h := handshakeHeader{Type: m.typ, Length: len(m.body), MessageSeq: m.seq,
				FragmentOffset: off, FragmentLength: n}
			frag := appendHandshakeHeader(nil, &h)
			frag = append(frag, m.body[off:off+n]...)
			emit(m.epoch, contentHandshake, frag)
			off += n
			if off >= len(m.body) {
				break
			}
		}
	}
	flush()
	return datagrams
}

// retransmitTimer is the RFC 6347 §4.2.4.1 timer with exponential backoff.
type retransmitTimer struct {
	initial  time.Duration // first interval (Config.RetransmitTimeout)
	interval time.Duration // current interval
	deadline time.Time     // when it fires
	armed    bool          // running
}

// start arms the timer with the initial interval.
func (t *retransmitTimer) start(now time.Time) {
	t.interval, t.armed = t.initial, true
	t.deadline = now.Add(t.interval)
}

// backoff doubles the interval, up to 60 s, and re-arms.
func (t *retransmitTimer) backoff(now time.Time) {
	t.interval = min(2*t.interval, maxRetransmitTimeout)
	t.deadline = now.Add(t.interval)
}

// stop disarms the timer.
func (t *retransmitTimer) stop() { t.armed = false }

// expired reports whether the timer is armed and due.
func (t *retransmitTimer) expired(now time.Time) bool {
	return t.armed && !now.Before(t.deadline)
}
