package fakebrowser

// This file is the browser's half of ICE against the server, which is
// ICE-lite (RFC 8445 §2.5): the controlling agent's connectivity checks
// (§7.2.4), the nomination of a valid pair by repeating the check with
// USE-CANDIDATE (regular nomination, §8.1.1) and then consent freshness
// (RFC 7675 §5.1), as the server drops a session whose checks stop for
// 30 s. Like the protocol packages it owns no socket and reads no clock:
// the caller's loop feeds it datagrams and the time, and sends what it
// queues in Out. cmd/playbrowser runs it too, with Logf narrating.

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"

	"nutsandbolts/final/stun"
)

// Timers. A check is retransmitted from an RTO of 500 ms (RFC 8445 §14.3,
// stun.DefaultRTO); one with no answer within checkTimeout fails (§7.2.5.2.3)
// and the next candidate is tried. Consent checks go out every 4 to 6 s,
// each once, and consent is lost after 30 s without an answer (RFC 7675
// §5.1).
const (
	checkTimeout    = 5 * time.Second
	consentInterval = 5 * time.Second
	consentTimeout  = 30 * time.Second
)

// prflxTypePreference is the peer-reflexive candidate type preference of
// RFC 8445 §5.1.2.2.
const prflxTypePreference = 110

// phase is how far the checks have got.
type phase int

const (
	checking   phase = iota // looking for a pair that works
	nominating              // the pair is valid; a check with USE-CANDIDATE is out
	selected                // nominated; consent checks from now on
	done                    // failed: nothing more to do
)

// ICEOutcome is what a call to the Checker changed that its caller must
// act on.
type ICEOutcome int

const (
	ICENone         ICEOutcome = iota // nothing for the caller to do
	ICEPairValid                      // the first check was answered: ICE "connected"
	ICEPairSelected                   // the nomination was answered
	ICEFailed                         // every candidate failed, or consent was lost; Why says why
)

// Outgoing is a datagram for the caller to send.
type Outgoing struct {
	To   netip.AddrPort
	Data []byte
}

// Checker runs the checks of one session, as the controlling agent
// against an ICE-lite server: the server's candidates one after the other,
// the first pair that works nominated. Its methods are for one goroutine.
type Checker struct {
	// Out holds the datagrams queued; the caller sends them and empties it.
	Out []Outgoing
	// Logf, when not nil, narrates every request, response and decision.
	Logf func(format string, args ...any)

	username   string // "<server ufrag>:<our ufrag>" (RFC 8445 §7.2.2)
	key        []byte // the server's ice-pwd: requests and responses are signed with it (§7.2.2)
	tiebreaker uint64 // ICE-CONTROLLING's value (§7.1.3)

	phase   phase
	targets []netip.AddrPort  // server candidates not tried yet
	target  netip.AddrPort    // the server's side of the pair being checked, or selected
	check   *stun.Transaction // the connectivity check in flight
	consent []*stun.Transaction
	next    time.Time // when the next consent check is due
	heard   time.Time // last authenticated answer on the selected pair
	why     string    // why it failed
}

// NewChecker prepares the checks of the session that o offered and a
// answered; Start sends the first.
func NewChecker(o *Offer, a *Answer) *Checker {
	var b [8]byte
	rand.Read(b[:]) // crypto/rand.Read never fails
	return &Checker{
		username:   o.Ufrag + ":" + a.Ufrag,
		key:        stun.ShortTermKey(o.Pwd),
		tiebreaker: binary.BigEndian.Uint64(b[:]),
	}
}

// Target is the server's side of the pair being checked, or of the
// selected pair: where DTLS and media go once it is selected.
func (c *Checker) Target() netip.AddrPort { return c.target }

// Why says why the checks failed, once ICEFailed was reported.
func (c *Checker) Why() string { return c.why }

func (c *Checker) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

// Start checks the first of targets, the server's candidates in the order
// to try them.
func (c *Checker) Start(now time.Time, targets []netip.AddrPort) {
	c.targets = targets
	c.nextTarget(now)
}

// nextTarget checks the next candidate, or fails when none is left.
func (c *Checker) nextTarget(now time.Time) ICEOutcome {
	if len(c.targets) == 0 {
		c.phase, c.why = done, "no candidate of the server answered"
		return ICEFailed
	}
	c.target, c.targets = c.targets[0], c.targets[1:]
	c.logf("checking the pair with the server's %v", c.target)
	c.phase = checking
	c.check = c.send(now, false, stun.WithTimeout(checkTimeout))
	return ICENone
}

// send queues a Binding request on the pair (RFC 8445 §7.2.4, §7.1):
// USERNAME, PRIORITY (ours as a peer-reflexive candidate would have it,
// §7.1.1, §5.1.2.1: local preference 65535, component 1), ICE-CONTROLLING,
// USE-CANDIDATE to nominate, then MESSAGE-INTEGRITY with the server's
// password and FINGERPRINT.
func (c *Checker) send(now time.Time, nominate bool, opts ...stun.TransactionOption) *stun.Transaction {
	req := stun.NewBindingRequest()
	req.AddUsername(c.username) // ice-chars and a colon: cannot fail
	req.AddPriority(prflxTypePreference<<24 | 65535<<8 | 255)
	req.AddICEControlling(c.tiebreaker)
	if nominate {
		req.AddUseCandidate()
	}
	req.AddMessageIntegrity(c.key)
	req.AddFingerprint()
	c.logf("→ %v  %v", c.target, req)
	c.Out = append(c.Out, Outgoing{c.target, req.Marshal()})
	opts = append(opts, stun.WithRequest(req), stun.WithIntegrityKey(c.key))
	return stun.NewTransaction(now, opts...)
}

// Handle takes a STUN datagram from the socket.
func (c *Checker) Handle(now time.Time, from netip.AddrPort, b []byte) ICEOutcome {
	var m stun.Message
	if err := m.Unmarshal(b); err != nil {
		c.logf("← %v  %v", from, err)
		return ICENone
	}
	c.logf("← %v  %v", from, &m)
	// RFC 8445 §7.2.5.2.1: the answer must come from where the request went.
	if from != c.target {
		c.logf("  not from the address checked (%v): ignored (RFC 8445 §7.2.5.2.1)", c.target)
		return ICENone
	}
	if c.check != nil {
		mapped, finished, err := c.check.HandleResponse(b)
		switch {
		case finished && err != nil:
			c.logf("  check failed: %v", err)
			c.check = nil
			return c.nextTarget(now)
		case err != nil:
			c.logf("  response discarded: %v", err)
		case finished:
			c.check = nil
			return c.succeeded(now, mapped)
		}
	}
	for _, t := range c.consent {
		if _, finished, err := t.HandleResponse(b); finished && err == nil {
			c.heard = now
			c.logf("  consent fresh for another %v (RFC 7675 §5.1)", consentTimeout)
		}
	}
	return ICENone
}

// succeeded acts on the success response to the check in flight (RFC 8445
// §7.2.5.3): the first makes the pair valid and is followed by the
// nomination, the second selects the pair.
func (c *Checker) succeeded(now time.Time, mapped netip.AddrPort) ICEOutcome {
	c.heard = now
	if c.phase == checking {
		c.logf("pair valid: the server sees us at %v (XOR-MAPPED-ADDRESS); nominating it with USE-CANDIDATE (RFC 8445 §8.1.1)", mapped)
		c.phase = nominating
		c.check = c.send(now, true, stun.WithTimeout(checkTimeout))
		return ICEPairValid
	}
	c.logf("nominated: selected pair us %v ↔ server %v; consent checks every %v from now on", mapped, c.target, consentInterval)
	c.phase = selected
	c.next = now.Add(jitter(consentInterval))
	return ICEPairSelected
}

// Timeout runs the timers: retransmissions, failed checks, consent.
func (c *Checker) Timeout(now time.Time) ICEOutcome {
	if c.check != nil {
		resend, err := c.check.HandleTimeout(now)
		if resend {
			c.logf("→ %v  retransmission of tx=%v", c.target, c.check.ID())
			c.Out = append(c.Out, Outgoing{c.target, c.check.Request()})
		}
		if err != nil {
			c.logf("  check failed: %v", err)
			c.check = nil
			if c.phase == nominating {
				c.phase, c.why = done, "the nomination was not answered"
				return ICEFailed
			}
			return c.nextTarget(now)
		}
	}
	if c.phase != selected {
		return ICENone
	}
	// Consent requests are each sent once (RFC 7675 §5.1); one unanswered
	// is forgotten once its transaction gives up.
	kept := c.consent[:0]
	for _, t := range c.consent {
		if _, err := t.HandleTimeout(now); err == nil {
			kept = append(kept, t)
		}
	}
	c.consent = kept
	if now.Sub(c.heard) >= consentTimeout {
		c.phase, c.why = done, fmt.Sprintf("consent lost: no answer from the server for %v (RFC 7675 §5.1)", consentTimeout)
		return ICEFailed
	}
	if !now.Before(c.next) {
		c.consent = append(c.consent, c.send(now, false, stun.WithRc(1)))
		c.next = now.Add(jitter(consentInterval))
	}
	return ICENone
}

// Deadline is when Timeout must next be called; false when no timer runs
// (before Start, or after a failure).
func (c *Checker) Deadline() (time.Time, bool) {
	var d time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && (d.IsZero() || t.Before(d)) {
			d = t
		}
	}
	if c.check != nil {
		earlier(c.check.Deadline())
	}
	if c.phase == selected {
		earlier(c.next)
		earlier(c.heard.Add(consentTimeout))
		for _, t := range c.consent {
			earlier(t.Deadline())
		}
	}
	return d, !d.IsZero()
}

// jitter is d times a random factor from 0.8 to 1.2 (RFC 7675 §5.1).
func jitter(d time.Duration) time.Duration {
	var b [2]byte
	rand.Read(b[:])
	f := 0.8 + 0.4*float64(binary.BigEndian.Uint16(b[:]))/65535
	return time.Duration(float64(d) * f)
}
