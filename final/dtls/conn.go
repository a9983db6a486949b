package dtls

// Conn: one DTLS server session, sans-IO.
//
// The Conn owns no socket, no clock and no goroutine. The program's UDP
// loop feeds it datagrams (Handle) and the current time (HandleTimeout),
// and drains what it produced: datagrams to send (PollTransmit), the next
// deadline (PollTimeout) and events (PollEvent). That makes every state of
// the protocol reachable from a test with a fake clock.
//
// This file is the record layer's receive side (RFC 6347 §4.1): epochs,
// anti-replay, decryption and dispatch by content type. The handshake it
// feeds is in handshake_server.go, retransmission in flight.go.

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"
)

// maxNextEpochRecords caps the epoch-1 records kept while the
// ChangeCipherSpec that opens epoch 1 has not arrived (RFC 6347 §4.1:
// "Implementations MAY buffer records of the next epoch").
const maxNextEpochRecords = 8

// ErrHandshakeTimeout ends a handshake that took longer than
// Config.HandshakeTimeout.
var ErrHandshakeTimeout = errors.New("dtls: handshake timed out")

// errClosed is returned by a Conn that has ended.
var errClosed = errors.New("dtls: connection closed")

// Conn is a DTLS 1.2 server connection with one client.
//
// Until a ClientHello arrives with a valid cookie, the Conn is stateless
// (RFC 6347 §4.2.1): it answers every ClientHello with a HelloVerifyRequest
// sent to the ClientHello's source and remembers nothing else. The source
// of the ClientHello whose cookie checks out becomes the peer: from then
// on, everything is sent to the peer only, and datagrams from any other
// address are dropped. Once the handshake is complete, SetRemote may move
// the association to another address that the program has verified (the
// pair ICE selected, whose consent ICE keeps checking).
type Conn struct {
	cfg    *Config        // configuration with defaults filled in
	log    *slog.Logger   // narration, never nil
	peer   netip.AddrPort // the address whose cookie was verified; zero until then
	remote netip.AddrPort // where we send: peer, or the address SetRemote chose
	from   netip.AddrPort // source of the datagram being handled

	now      time.Time // time of the current Handle/HandleTimeout call
	deadline time.Time // end of the handshake (zero until the first datagram)

	readEpoch   uint16          // epoch we accept records in: 0, then 1 after the client's ChangeCipherSpec
	writeEpoch  uint16          // epoch of the records we send: 0, then 1 after our ChangeCipherSpec
	readCipher  *recordCipher   // opens the client's epoch-1 records
	writeCipher *recordCipher   // seals our epoch-1 records
	writeSeq    [2]uint64       // next record sequence number per epoch
	replay      [2]replayWindow // anti-replay per epoch, RFC 6347 §4.1.2.6
	nextEpoch   []record        // epoch-1 records that arrived before the ChangeCipherSpec (copies)

	hs         handshakeState  // the handshake in progress (handshake_server.go)
	rs         *reassembler    // handshake message reassembly
	flight     *flight         // our last flight, kept for retransmission
	timer      retransmitTimer // RFC 6347 §4.2.4 timer for that flight
	lastResend time.Time       // when the peer's retransmission last made us resend our flight
	state      ConnectionState // filled in when the handshake completes
	out        []Transmit      // datagrams waiting for PollTransmit
	events     []Event         // events waiting for PollEvent
	closed     bool            // the Conn has ended; only PollTransmit/PollEvent still do something
}

// Transmit is a datagram the program must send.
type Transmit struct {
	To   netip.AddrPort // the destination
	Data []byte         // one datagram; the program owns it
}

// Server returns a Conn that will act as the DTLS server for one client.
// Nothing is sent until the client's first datagram arrives.
func Server(cfg *Config) *Conn {
	cfg = cfg.withDefaults()
	c := &Conn{
		cfg: cfg,
		log: cfg.Logger,
		rs:  newReassembler(),
	}
	c.timer.initial = cfg.RetransmitTimeout
	return c
}

// Handle processes one datagram that arrived from the address from. The
// returned error is for logging: it says why something was dropped or why
// the Conn failed. The Conn has already queued any alert; a failure also
// shows as a Closed event.
func (c *Conn) Handle(now time.Time, from netip.AddrPort, datagram []byte) error {
	if c.closed {
		return errClosed
	}
	c.now = now
	if c.deadline.IsZero() {
		c.deadline = now.Add(c.cfg.HandshakeTimeout)
	}
	if !from.IsValid() {
		return errors.New("dtls: datagram without a source address")
	}
	if c.peer.IsValid() && from != c.peer && from != c.remote {
		err := fmt.Errorf("dtls: datagram from %v, not from the peer %v", from, c.remote)
		c.log.Debug("dropped datagram", "from", from.String(), "reason", err)
		return err
	}
	c.from = from
	c.rs.startDatagram()
	records, err := parseRecords(datagram)
	if err != nil {
		c.log.Debug("dropped rest of datagram", "reason", err)
	}
	var firstErr error = err
	for i := range records {
		rerr := c.handleRecord(&records[i])
		if rerr == nil {
			continue
		}
		var ae *AlertError
		if errors.As(rerr, &ae) && ae.Local {
			c.abort(ae)
			return ae
		}
		if c.closed { // the peer's alert ended the Conn
			return rerr
		}
		c.log.Debug("dropped record", "record", records[i].String(), "reason", rerr)
		if firstErr == nil {
			firstErr = rerr
		}
	}
	return firstErr
}

// handleRecord checks one record (epoch, replay, authentication) and
// dispatches its content. RFC 6347 §4.1.2.7: "invalid records SHOULD be
// silently discarded": every plain error return means "dropped"; only an
// *AlertError makes the Conn send an alert.
func (c *Conn) handleRecord(rec *record) error {
	h := &rec.Header
	if h.Version != VersionDTLS12 && h.Version != VersionDTLS10 {
		return fmt.Errorf("dtls: record: version %v", h.Version)
	}
	// Only epochs 0 and 1 exist here; the epoch is the peer's to choose, so
	// it is compared, never computed with (no uint16 wrap-around).
	switch {
	case h.Epoch == c.readEpoch:
	case h.Epoch == 1 && c.readEpoch == 0:
		// Epoch 1 before the ChangeCipherSpec: the datagram carrying the
		// CCS may have been reordered or lost. Keep a few to retry, once
		// there is a handshake (a stateless server keeps nothing).
		if c.hs.state == stateWaitClientHello {
			return errors.New("dtls: record: epoch 1 before any handshake")
		}
		if len(c.nextEpoch) >= maxNextEpochRecords {
			return errors.New("dtls: record: too many early epoch-1 records")
		}
		cp := *rec
		cp.Fragment = append([]byte(nil), rec.Fragment...)
		c.nextEpoch = append(c.nextEpoch, cp)
		return nil
	case h.Epoch == 0 && c.readEpoch == 1 && h.ContentType == contentHandshake:
		// A retransmitted epoch-0 handshake record after the switch: let
		// the reassembler see it, since it may ask for our last flight.
	default:
		return fmt.Errorf("dtls: record: epoch %d while reading epoch %d", h.Epoch, c.readEpoch)
	}
	// From here on h.Epoch is 0 or 1.
	if !c.replay[h.Epoch].check(h.SequenceNumber) {
		return fmt.Errorf("dtls: record: replayed or too old (epoch %d seq %d)", h.Epoch, h.SequenceNumber)
	}
	payload := rec.Fragment
	if h.Epoch > 0 {
		var err error
		if payload, err = c.readCipher.open(h, rec.Fragment); err != nil {
			return err
		}
		c.replay[h.Epoch].accept(h.SequenceNumber) // only after authentication
	}
	accepted, err := c.handleContent(h, payload)
	if accepted && h.Epoch == 0 {
		// An epoch-0 record is not authenticated: anyone can send one with
		// any sequence number. It enters the window only once its content
		// moved the handshake forward, so that a stray record with a huge
		// number cannot make the real ones look old.
		c.replay[0].accept(h.SequenceNumber)
	}
	return err
}

// handleContent dispatches a record's payload by content type. accepted
// reports whether the content moved the handshake forward.
func (c *Conn) handleContent(h *recordHeader, payload []byte) (accepted bool, err error) {
	switch h.ContentType {
	case contentHandshake:
		return c.handleHandshakeRecord(h, payload)
	case contentChangeCipherSpec:
		return c.handleChangeCipherSpec(payload)
	case contentAlert:
		return false, c.handleAlert(payload)
	case contentApplicationData:
		if c.hs.state != stateEstablished || h.Epoch == 0 {
			return false, errors.New("dtls: application data before the handshake completed")
		}
		c.events = append(c.events, ApplicationData{Data: payload})
		return false, nil
	}
	return false, fmt.Errorf("dtls: record: unknown content type %v", h.ContentType)
}

// handleHandshakeRecord feeds the fragments of one record to the
// reassembler and runs the handshake on each message it completes.
// accepted reports whether a message moved the handshake forward.
func (c *Conn) handleHandshakeRecord(h *recordHeader, payload []byte) (accepted bool, err error) {
	frags, perr := parseHandshakeFragments(payload)
	for i := range frags {
		f := &frags[i]
		if c.hs.state == stateWaitClientHello && f.Header.Type != typeClientHello {
			// Stateless: nothing but a ClientHello is buffered.
			c.log.Debug("dropped handshake fragment", "type", f.Header.Type, "seq", f.Header.MessageSeq,
				"reason", "waiting for a ClientHello")
			continue
		}
		old, rerr := c.rs.push(f, h.Epoch, c.from)
		if rerr != nil {
			c.log.Debug("dropped handshake fragment", "type", f.Header.Type, "seq", f.Header.MessageSeq, "reason", rerr)
		}
		if old {
			c.peerRetransmitted(f)
			continue
		}
		for m, ok := c.rs.pop(); ok; m, ok = c.rs.pop() {
			took, herr := c.handleHandshakeMessage(h, m)
			var ae *AlertError
			if errors.As(herr, &ae) {
				return accepted, herr
			}
			if herr != nil {
				c.log.Debug("dropped handshake message", "message", m.String(), "reason", herr)
				err = cmp.Or(err, herr)
			}
			if took {
				c.rs.accept(m)
				accepted = true
			}
			if c.closed {
				return accepted, nil
			}
		}
	}
	return accepted, cmp.Or(err, perr)
}

// handleChangeCipherSpec switches the read side to epoch 1 (RFC 6347 §4.1)
// when the handshake expects it.
func (c *Conn) handleChangeCipherSpec(payload []byte) (accepted bool, err error) {
	var ccs changeCipherSpecMsg
	if err := ccs.unmarshal(payload); err != nil {
		return false, err
	}
	switch c.hs.state {
	case stateWaitChangeCipherSpec:
		return true, c.activateReadEpoch()
	case stateWaitClientCertificate, stateWaitClientKeyExchange, stateWaitCertificateVerify:
		// The CCS overtook the end of flight 5 (another datagram): apply
		// it once the CertificateVerify is in.
		c.hs.earlyCCS = true
		return true, nil
	}
	return false, errors.New("dtls: unexpected ChangeCipherSpec, ignored")
}

// activateReadEpoch starts reading epoch 1 and replays the epoch-1 records
// that arrived too early.
func (c *Conn) activateReadEpoch() error {
	c.readEpoch = 1
	c.hs.state = stateWaitFinished
	c.log.Debug("ChangeCipherSpec", "read_epoch", 1)
	early := c.nextEpoch
	c.nextEpoch = nil
	for i := range early {
		if err := c.handleRecord(&early[i]); err != nil {
			var ae *AlertError
			if errors.As(err, &ae) && ae.Local {
				return err
			}
		}
	}
	return nil
}

// handleAlert ends the Conn on a fatal alert or close_notify (RFC 5246
// §7.2.1: the receiver of close_notify answers with its own). Before a
// ClientHello with a valid cookie there is no handshake for an alert to
// end: a stateless server ignores it.
func (c *Conn) handleAlert(payload []byte) error {
	var a Alert
	if err := a.unmarshal(payload); err != nil {
		return err
	}
	if c.hs.state == stateWaitClientHello {
		return fmt.Errorf("dtls: %v alert before any handshake, ignored", &a)
	}
	c.log.Info("alert received", "level", a.Level, "description", a.Description)
	if a.Description == AlertCloseNotify {
		c.sendAlert(Alert{Level: AlertLevelWarning, Description: AlertCloseNotify})
		c.finish(nil)
		return errClosed
	}
	if a.Level == AlertLevelWarning {
		return nil // warnings other than close_notify do not end a DTLS 1.2 connection
	}
	err := &AlertError{Alert: a}
	c.finish(err)
	return err
}

// abort sends the fatal alert of a failed check and ends the Conn.
func (c *Conn) abort(ae *AlertError) {
	c.log.Info("handshake failed", "alert", ae.Alert.Description, "reason", ae.Err)
	c.sendAlert(ae.Alert)
	c.finish(ae)
}

// finish ends the Conn and reports why.
func (c *Conn) finish(err error) {
	c.closed = true
	c.timer.stop()
	c.events = append(c.events, Closed{Err: err})
}

// sendAlert queues an alert to the peer in the current write epoch, so it
// is encrypted once we have sent our ChangeCipherSpec. Without a peer
// (no cookie verified yet) there is nobody to send it to.
func (c *Conn) sendAlert(a Alert) {
	if !c.remote.IsValid() {
		return
	}
	if rec, err := c.sealRecord(c.writeEpoch, contentAlert, a.marshal()); err == nil {
		c.send(rec)
	}
}

// send queues a datagram for the peer (or the address SetRemote chose).
func (c *Conn) send(datagram []byte) {
	c.out = append(c.out, Transmit{To: c.remote, Data: datagram})
}

// sealRecord builds one record of our own, encrypting it in epoch 1, and
// consumes a sequence number.
func (c *Conn) sealRecord(epoch uint16, ct contentType, payload []byte) ([]byte, error) {
	seq := c.writeSeq[epoch]
	if seq > maxSequenceNumber {
		return nil, errors.New("dtls: record: sequence numbers exhausted")
	}
	c.writeSeq[epoch]++
	h := recordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: epoch, SequenceNumber: seq}
	frag := payload
	if epoch > 0 {
		frag = c.writeCipher.seal(&h, payload)
	}
	return (&record{Header: h, Fragment: frag}).marshal(nil), nil
}

// HandleTimeout runs the timers: the retransmission of our last flight
// (RFC 6347 §4.2.4) and the handshake deadline.
func (c *Conn) HandleTimeout(now time.Time) {
	if c.closed {
		return
	}
	c.now = now
	if c.hs.state != stateEstablished && !c.deadline.IsZero() && !now.Before(c.deadline) {
		c.log.Info("handshake timed out", "after", c.cfg.HandshakeTimeout)
		c.finish(ErrHandshakeTimeout)
		return
	}
	if c.timer.expired(now) {
		c.log.Info("retransmit", "flight", c.flight.number, "next_interval", 2*c.timer.interval)
		c.transmitFlight(c.flight)
		c.timer.backoff(now)
	}
}

// PollTransmit returns the next datagram to send and its destination.
func (c *Conn) PollTransmit() (Transmit, bool) {
	if len(c.out) == 0 {
		return Transmit{}, false
	}
	t := c.out[0]
	c.out = c.out[1:]
	return t, true
}

// PollTimeout returns when HandleTimeout should next be called.
func (c *Conn) PollTimeout() (time.Time, bool) {
	if c.closed || c.hs.state == stateEstablished || c.deadline.IsZero() {
		return time.Time{}, false
	}
	t := c.deadline
	if c.timer.armed && c.timer.deadline.Before(t) {
		t = c.timer.deadline
	}
	return t, true
}

// PollEvent returns the next event.
func (c *Conn) PollEvent() (Event, bool) {
	if len(c.events) == 0 {
		return nil, false
	}
	e := c.events[0]
	c.events = c.events[1:]
	return e, true
}

// Remote returns the address the Conn sends to: the peer whose cookie was
// verified, or the address given to SetRemote since. It is the zero
// AddrPort while the Conn is still stateless.
func (c *Conn) Remote() netip.AddrPort { return c.remote }

// SetRemote moves the association to addr once the handshake is complete:
// what the Conn sends goes there from then on, and datagrams from addr are
// accepted as well as from the peer whose cookie was verified. The program
// calls it when ICE selects another pair; ICE consent (RFC 7675), not the
// cookie, then vouches for the address. Before the handshake completes it
// does nothing: until then only the verified peer may receive our flights,
// so that a spoofed address cannot be flooded.
func (c *Conn) SetRemote(addr netip.AddrPort) {
	if c.closed || c.hs.state != stateEstablished || !addr.IsValid() {
		c.log.Debug("SetRemote ignored: no completed handshake", "remote", addr.String())
		return
	}
	if addr == c.remote {
		return
	}
	c.log.Info("remote address changed", "previous", c.remote.String(), "remote", addr.String())
	c.remote = addr
}

// State returns what the handshake negotiated (zero before it completes).
func (c *Conn) State() ConnectionState { return c.state }

// ExportKeyingMaterial is the RFC 5705 exporter. DTLS-SRTP calls it with
// "EXTRACTOR-dtls_srtp", no context and 2×(key+salt) bytes (RFC 5764
// §4.2).
func (c *Conn) ExportKeyingMaterial(label string, context []byte, length int) ([]byte, error) {
	if c.hs.state != stateEstablished {
		return nil, errors.New("dtls: exporter: handshake not complete")
	}
	return exportKeyingMaterial(c.hs.suite.hash.New, c.hs.masterSecret,
		c.hs.clientRandom[:], c.hs.serverRandom[:], label, context, length)
}

// Write sends application data in epoch-1 records.
func (c *Conn) Write(b []byte) error {
	if c.closed {
		return errClosed
	}
	if c.hs.state != stateEstablished {
		return errors.New("dtls: write before the handshake completed")
	}
	maxPlain := c.cfg.MTU - recordHeaderLen - aeadOverhead
	for len(b) > 0 {
		n := min(len(b), maxPlain)
		rec, err := c.sealRecord(c.writeEpoch, contentApplicationData, b[:n])
		if err != nil {
			return err
		}
		c.send(rec)
		b = b[n:]
	}
	return nil
}

// Close queues a close_notify (RFC 5246 §7.2.1) and ends the Conn.
func (c *Conn) Close() {
	if c.closed {
		return
	}
	c.sendAlert(Alert{Level: AlertLevelWarning, Description: AlertCloseNotify})
	c.finish(nil)
}
