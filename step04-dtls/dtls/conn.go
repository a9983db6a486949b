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
type Conn struct {
	cfg  *Config        // configuration with defaults filled in
	peer netip.AddrPort // the client's address, part of the cookie
	log  *slog.Logger   // narration, never nil

	now      time.Time // time of the current Handle/HandleTimeout call
	deadline time.Time // end of the handshake (zero until the first datagram)

	readEpoch   uint16          // epoch we accept records in: 0, then 1 after the client's ChangeCipherSpec
	writeEpoch  uint16          // epoch of the records we send: 0, then 1 after our ChangeCipherSpec
	readCipher  *recordCipher   // opens the client's epoch-1 records
	writeCipher *recordCipher   // seals our epoch-1 records
	writeSeq    [2]uint64       // next record sequence number per epoch
	replay      [2]ReplayWindow // anti-replay per epoch, RFC 6347 §4.1.2.6
	nextEpoch   []Record        // epoch-1 records that arrived before the ChangeCipherSpec (copies)

	hs     handshakeState  // the handshake in progress (handshake_server.go)
	rs     *reassembler    // handshake message reassembly
	flight *flight         // our last flight, kept for retransmission
	timer  retransmitTimer // RFC 6347 §4.2.4 timer for that flight
	state  ConnectionState // filled in when the handshake completes
	out    [][]byte        // datagrams waiting for PollTransmit
	events []Event         // events waiting for PollEvent
	closed bool            // the Conn has ended; only PollTransmit/PollEvent still do something
}

// Server returns a Conn that will act as the DTLS server for the client at
// peer. Nothing is sent until the client's first datagram arrives.
func Server(cfg *Config, peer netip.AddrPort) *Conn {
	cfg = cfg.withDefaults()
	c := &Conn{
		cfg:  cfg,
		peer: peer,
		log:  cfg.Logger,
		rs:   newReassembler(),
	}
	c.timer.initial = cfg.RetransmitTimeout
	return c
}

// Handle processes one datagram from the client. The returned error is for
// logging: it says why something was dropped or why the Conn failed. The
// Conn has already queued any alert; a failure also shows as a Closed
// event.
func (c *Conn) Handle(now time.Time, datagram []byte) error {
	if c.closed {
		return errClosed
	}
	c.now = now
	if c.deadline.IsZero() {
		c.deadline = now.Add(c.cfg.HandshakeTimeout)
	}
	records, err := ParseRecords(datagram)
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
func (c *Conn) handleRecord(rec *Record) error {
	h := &rec.Header
	if h.Version != VersionDTLS12 && h.Version != VersionDTLS10 {
		return fmt.Errorf("dtls: record: version %v", h.Version)
	}
	switch {
	case h.Epoch == c.readEpoch:
	case h.Epoch == c.readEpoch+1 && c.readEpoch == 0:
		// Epoch 1 before the ChangeCipherSpec: the datagram carrying the
		// CCS may have been reordered or lost. Keep a few to retry.
		if len(c.nextEpoch) >= maxNextEpochRecords {
			return errors.New("dtls: record: too many early epoch-1 records")
		}
		cp := *rec
		cp.Fragment = append([]byte(nil), rec.Fragment...)
		c.nextEpoch = append(c.nextEpoch, cp)
		return nil
	case h.Epoch+1 == c.readEpoch && h.ContentType == ContentHandshake:
		// A retransmitted epoch-0 handshake record after the switch: let
		// the reassembler see it, since it may ask for our last flight.
	default:
		return fmt.Errorf("dtls: record: epoch %d while reading epoch %d", h.Epoch, c.readEpoch)
	}
	if !c.replay[h.Epoch].Check(h.SequenceNumber) {
		return fmt.Errorf("dtls: record: replayed or too old (epoch %d seq %d)", h.Epoch, h.SequenceNumber)
	}
	payload := rec.Fragment
	if h.Epoch > 0 {
		var err error
		if payload, err = c.readCipher.open(h, rec.Fragment); err != nil {
			return err
		}
	}
	c.replay[h.Epoch].Accept(h.SequenceNumber) // only after authentication
	switch h.ContentType {
	case ContentHandshake:
		return c.handleHandshakeRecord(h, payload)
	case ContentChangeCipherSpec:
		return c.handleChangeCipherSpec(h, payload)
	case ContentAlert:
		return c.handleAlert(payload)
	case ContentApplicationData:
		if c.hs.state != stateEstablished || h.Epoch == 0 {
			return errors.New("dtls: application data before the handshake completed")
		}
		c.events = append(c.events, ApplicationData{Data: payload})
		return nil
	}
	return fmt.Errorf("dtls: record: unknown content type %v", h.ContentType)
}

// handleHandshakeRecord feeds the fragments of one record to the
// reassembler and runs the handshake on each message it completes.
func (c *Conn) handleHandshakeRecord(h *RecordHeader, payload []byte) error {
	frags, err := ParseHandshakeFragments(payload)
	for i := range frags {
		f := &frags[i]
		if c.hs.state == stateWaitClientHello {
			c.hs.helloRecordSeq = h.SequenceNumber
		}
		old, perr := c.rs.push(f, h.Epoch)
		if perr != nil {
			c.log.Debug("dropped handshake fragment", "type", f.Header.Type, "seq", f.Header.MessageSeq, "reason", perr)
			continue
		}
		if old {
			c.peerRetransmitted(f)
			continue
		}
		for {
			m, ok := c.rs.pop()
			if !ok {
				break
			}
			if herr := c.handleHandshakeMessage(m); herr != nil {
				return herr
			}
			if c.closed {
				return nil
			}
		}
	}
	return err
}

// handleChangeCipherSpec switches the read side to epoch 1 (RFC 6347 §4.1)
// when the handshake expects it.
func (c *Conn) handleChangeCipherSpec(h *RecordHeader, payload []byte) error {
	var ccs ChangeCipherSpec
	if err := ccs.Unmarshal(payload); err != nil {
		return err
	}
	switch c.hs.state {
	case stateWaitChangeCipherSpec:
		return c.activateReadEpoch()
	case stateWaitClientCertificate, stateWaitClientKeyExchange, stateWaitCertificateVerify:
		// The CCS overtook the end of flight 5 (another datagram): apply
		// it once the CertificateVerify is in.
		c.hs.earlyCCS = true
		return nil
	}
	return errors.New("dtls: unexpected ChangeCipherSpec, ignored")
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
// §7.2.1: the receiver of close_notify answers with its own).
func (c *Conn) handleAlert(payload []byte) error {
	var a Alert
	if err := a.Unmarshal(payload); err != nil {
		return err
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

// sendAlert queues an alert in the current write epoch, so it is
// encrypted once we have sent our ChangeCipherSpec.
func (c *Conn) sendAlert(a Alert) {
	if rec, err := c.sealRecord(c.writeEpoch, ContentAlert, a.Marshal()); err == nil {
		c.out = append(c.out, rec)
	}
}

// sealRecord builds one record of our own, encrypting it in epoch 1, and
// consumes a sequence number.
func (c *Conn) sealRecord(epoch uint16, ct ContentType, payload []byte) ([]byte, error) {
	seq := c.writeSeq[epoch]
	if seq > maxSequenceNumber {
		return nil, errors.New("dtls: record: sequence numbers exhausted")
	}
	c.writeSeq[epoch]++
	h := RecordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: epoch, SequenceNumber: seq}
	frag := payload
	if epoch > 0 {
		frag = c.writeCipher.seal(&h, payload)
	}
	return (&Record{Header: h, Fragment: frag}).Marshal(nil), nil
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

// PollTransmit returns the next datagram to send, or nil.
func (c *Conn) PollTransmit() []byte {
	if len(c.out) == 0 {
		return nil
	}
	d := c.out[0]
	c.out = c.out[1:]
	return d
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
		rec, err := c.sealRecord(c.writeEpoch, ContentApplicationData, b[:n])
		if err != nil {
			return err
		}
		c.out = append(c.out, rec)
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
