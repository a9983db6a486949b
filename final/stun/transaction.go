package stun

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// This file implements a client transaction over UDP (RFC 8489 §6.2.1):
// one request, retransmitted on a doubling timer until a response arrives
// or the client gives up.
//
// Transaction is sans-IO. It opens no socket, starts no goroutine and reads
// no clock: the program's loop sends Request() from its one UDP port (so the
// mapping the server reports is that port's), feeds every STUN datagram
// that arrives to HandleResponse, and calls HandleTimeout when Deadline()
// has passed. Tests drive it with a fake clock.

// Defaults of RFC 8489 §6.2.1.
const (
	// DefaultRTO is the initial retransmission timeout: "In fixed-line
	// access links, a value of 500 ms is RECOMMENDED."
	DefaultRTO = 500 * time.Millisecond
	// DefaultRc is how many requests are sent in all: "Rc SHOULD be
	// configurable and SHOULD have a default of 7."
	DefaultRc = 7
	// DefaultRm is how many RTOs to wait after the last request: "Rm
	// SHOULD be configurable and SHOULD have a default of 16."
	DefaultRm = 16
)

// ErrTimeout means that no acceptable response arrived: either Rc requests
// went unanswered for Rm × RTO after the last, or the overall timeout
// passed.
var ErrTimeout = errors.New("stun: transaction timed out")

// Transaction is one request and its retransmissions. With the defaults,
// requests go out at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s, and the
// transaction fails at 39.5 s (the example of §6.2.1). It is not safe for
// concurrent use: the loop that owns the socket owns the transaction.
type Transaction struct {
	request []byte        // the encoded request, resent unchanged: "Resends of the same request reuse the same transaction ID" (§5)
	id      TransactionID // the request's transaction ID, which a response must echo
	method  Method        // the request's method, which a response must repeat
	key     []byte        // if not nil, a response must carry a MESSAGE-INTEGRITY made with this key (§9.1.4)

	rto      time.Duration // initial RTO
	rc       int           // Rc: how many requests in all
	rm       int           // Rm: how many initial RTOs to wait after the last request
	interval time.Duration // the wait before the next retransmission; doubles after each one
	sent     int           // requests sent so far, counting the first, which the caller sends at once
	next     time.Time     // when the next retransmission is due, or after the last one when to give up
	start    time.Time     // when the transaction started; WithTimeout counts from here
	giveUp   time.Time     // the overall deadline; zero if there is none

	finished         bool  // a response was accepted, or the transaction failed
	err              error // why it failed; nil while running and after success
	integrityFailure bool  // a response with our ID failed MESSAGE-INTEGRITY (§9.1.4)
}

// TransactionOption configures NewTransaction.
type TransactionOption func(*Transaction)

// WithRTO sets the initial RTO (default 500 ms). §6.2.1 allows less than
// 500 ms where the network is known, as ICE does for its checks.
func WithRTO(d time.Duration) TransactionOption {
	return func(t *Transaction) {
		if d > 0 {
			t.rto = d
		}
	}
}

// WithRc sets Rc, the number of requests sent in all (default 7).
func WithRc(n int) TransactionOption {
	return func(t *Transaction) {
		if n > 0 {
			t.rc = n
		}
	}
}

// WithRm sets Rm, the number of initial RTOs to wait after the last
// request before giving up (default 16).
func WithRm(n int) TransactionOption {
	return func(t *Transaction) {
		if n > 0 {
			t.rm = n
		}
	}
}

// WithTimeout gives up d after the transaction starts, even if Rc and Rm
// would wait longer. A program that queries a STUN server at start-up
// rarely wants to wait the 39.5 s of the defaults.
func WithTimeout(d time.Duration) TransactionOption {
	return func(t *Transaction) {
		if d > 0 {
			t.giveUp = t.start.Add(d)
		}
	}
}

// WithRequest sends req instead of a plain Binding request with
// FINGERPRINT, such as an ICE connectivity check that already carries
// USERNAME, PRIORITY, MESSAGE-INTEGRITY and FINGERPRINT. It is encoded once,
// here; later changes to req have no effect.
func WithRequest(req *Message) TransactionOption {
	return func(t *Transaction) {
		t.request = req.Marshal()
		t.id = req.TransactionID
		t.method = req.Type.Method
	}
}

// WithIntegrityKey makes HandleResponse require a MESSAGE-INTEGRITY made
// with key, as the short-term credential mechanism does (§9.1.4). Responses
// that fail are discarded and the retransmissions go on.
func WithIntegrityKey(key []byte) TransactionOption {
	return func(t *Transaction) { t.key = slices.Clone(key) }
}

// NewTransaction starts a transaction at now. The caller sends Request()
// right away; that is the first of the Rc requests.
func NewTransaction(now time.Time, opts ...TransactionOption) *Transaction {
	t := &Transaction{rto: DefaultRTO, rc: DefaultRc, rm: DefaultRm, start: now}
	for _, opt := range opts {
		opt(t)
	}
	if t.request == nil {
		// FINGERPRINT is not required by a STUN server, but it costs 8
		// bytes and lets both ends tell STUN from DTLS and SRTP (§7).
		req := NewBindingRequest()
		req.AddFingerprint()
		t.request, t.id, t.method = req.Marshal(), req.TransactionID, req.Type.Method
	}
	t.sent = 1
	t.interval = t.rto
	t.next = now.Add(t.rto)
	if t.rc == 1 {
		t.next = now.Add(time.Duration(t.rm) * t.rto)
	}
	return t
}

// Request returns the bytes to send, the same every time (same
// transaction ID). The caller must not modify them.
func (t *Transaction) Request() []byte { return t.request }

// ID returns the transaction ID, so that the program's loop can tell which
// transaction a response belongs to.
func (t *Transaction) ID() TransactionID { return t.id }

// Deadline returns when HandleTimeout must be called next: the next
// retransmission, the end of the wait after the last request, or the
// overall timeout, whichever is first. It returns the zero time once the
// transaction has finished.
func (t *Transaction) Deadline() time.Time {
	if t.finished {
		return time.Time{}
	}
	if !t.giveUp.IsZero() && t.giveUp.Before(t.next) {
		return t.giveUp
	}
	return t.next
}

// HandleTimeout advances the timer to now. It returns resend = true when
// the caller must send Request() again, and an error when the transaction
// has given up: ErrTimeout, or ErrIntegrityMismatch if responses did arrive
// but all failed MESSAGE-INTEGRITY (§9.1.4: "instead of signaling a
// timeout ... the layer MUST signal that the integrity protection was
// violated"). Called early, it does nothing.
func (t *Transaction) HandleTimeout(now time.Time) (resend bool, err error) {
	if t.finished {
		return false, t.err
	}
	if now.Before(t.Deadline()) {
		return false, nil
	}
	if t.sent >= t.rc || (!t.giveUp.IsZero() && !now.Before(t.giveUp)) {
		if t.integrityFailure {
			return false, t.fail(fmt.Errorf("%w in every response (transaction %v)", ErrIntegrityMismatch, t.id))
		}
		return false, t.fail(fmt.Errorf("%w after %d requests (transaction %v)", ErrTimeout, t.sent, t.id))
	}
	t.sent++
	if t.sent == t.rc {
		// "If, after the last request, a duration equal to Rm times the
		// RTO has passed without a response ... the client SHOULD
		// consider the transaction to have failed."
		t.next = now.Add(time.Duration(t.rm) * t.rto)
	} else {
		t.interval *= 2
		t.next = now.Add(t.interval)
	}
	return true, nil
}

// HandleResponse takes a received STUN datagram. For a Binding success
// response to this transaction it returns the XOR-MAPPED-ADDRESS and done.
// For an error response it returns done and an error that wraps the
// server's ErrorCode. A message with another transaction ID, or one that
// arrives after the transaction has finished, is ignored: zero, false, nil.
// A message with our transaction ID that cannot be accepted (not a
// response, wrong method, bad FINGERPRINT or MESSAGE-INTEGRITY) is
// discarded with an error, and the transaction goes on (§6.3, §9.1.4).
func (t *Transaction) HandleResponse(b []byte) (mapped netip.AddrPort, done bool, err error) {
	var res Message
	if err := res.Unmarshal(b); err != nil {
		return netip.AddrPort{}, false, err
	}
	if res.TransactionID != t.id || t.finished {
		return netip.AddrPort{}, false, nil
	}
	if c := res.Type.Class; c != ClassSuccessResponse && c != ClassErrorResponse {
		return netip.AddrPort{}, false, fmt.Errorf("stun: transaction %v: got a %v, want a response", t.id, res.Type)
	}
	if res.Type.Method != t.method {
		return netip.AddrPort{}, false, fmt.Errorf("stun: transaction %v: got a %v, want method %v", t.id, res.Type, t.method)
	}
	if res.index(AttrFingerprint) >= 0 {
		if err := res.CheckFingerprint(); err != nil {
			return netip.AddrPort{}, false, err
		}
	}
	if t.key != nil {
		if err := res.CheckIntegrity(t.key); err != nil {
			t.integrityFailure = true
			return netip.AddrPort{}, false, fmt.Errorf("%w (transaction %v, response discarded)", err, t.id)
		}
	}
	// §6.3.3, §6.3.4: a response with an unknown comprehension-required
	// attribute ends the transaction in failure.
	if unknown := res.UnknownComprehensionRequired(); len(unknown) > 0 {
		return netip.AddrPort{}, true, t.fail(fmt.Errorf("stun: transaction %v: response has unknown comprehension-required attributes %v", t.id, unknown))
	}
	if res.Type.Class == ClassErrorResponse {
		code, err := res.ErrorCode()
		if err != nil {
			return netip.AddrPort{}, true, t.fail(fmt.Errorf("stun: transaction %v: error response without a valid ERROR-CODE: %w", t.id, err))
		}
		return netip.AddrPort{}, true, t.fail(fmt.Errorf("%w (transaction %v)", code, t.id))
	}
	// §6.3.3: "the client checks that the XOR-MAPPED-ADDRESS attribute
	// is present in the response".
	mapped, err = res.XORMappedAddress()
	if err != nil {
		return netip.AddrPort{}, true, t.fail(fmt.Errorf("stun: transaction %v: %w", t.id, err))
	}
	t.finished = true
	return mapped, true, nil
}

// fail ends the transaction with err and returns it.
func (t *Transaction) fail(err error) error {
	t.finished, t.err = true, err
	return err
}
