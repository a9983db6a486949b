package main

// This file is the browser's half of ICE against an ICE-lite server: the
// controlling agent's connectivity checks (RFC 8445 §7.2.4), the nomination
// of a valid pair (§8.1.1) and then consent freshness (RFC 7675 §5.1). Like
// the protocol packages it owns no socket and reads no clock: the loop in
// main.go feeds it datagrams and the time, and sends what it queues in out.

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

// Candidate type preferences of RFC 8445 §5.1.2.2.
const (
	hostTypePreference  = 126
	prflxTypePreference = 110
)

// priority is the candidate priority of RFC 8445 §5.1.2.1.
func priority(typePreference, localPreference, componentID int) uint32 {
	return uint32(typePreference)<<24 | uint32(localPreference)<<8 | uint32(256-componentID)
}

// phase is how far the checks have got.
type phase int

const (
	checking   phase = iota // looking for a pair that works
	nominating              // the pair is valid; a check with USE-CANDIDATE is out
	selected                // nominated; consent checks from now on
	done                    // failed: nothing more to do
)

// outcome is what a call changed that the loop must act on.
type outcome int

const (
	none         outcome = iota
	pairValid            // the first check was answered: ICE "connected"
	pairSelected         // the nomination was answered
	failed               // every candidate failed, or consent was lost; why says why
)

// outgoing is a datagram to send.
type outgoing struct {
	to   netip.AddrPort
	data []byte
}

// checker runs the checks for one session.
type checker struct {
	p          *printer
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

	out []outgoing // for the loop to send
}

func newChecker(p *printer, o *remoteOffer, a *localAnswer) *checker {
	var b [8]byte
	rand.Read(b[:]) // crypto/rand.Read never fails
	return &checker{
		p:          p,
		username:   o.ufrag + ":" + a.ufrag,
		key:        stun.ShortTermKey(o.pwd),
		tiebreaker: binary.BigEndian.Uint64(b[:]),
	}
}

// start checks the first of targets.
func (c *checker) start(now time.Time, targets []netip.AddrPort) {
	c.targets = targets
	c.nextTarget(now)
}

// nextTarget checks the next candidate, or fails when none is left.
func (c *checker) nextTarget(now time.Time) outcome {
	if len(c.targets) == 0 {
		c.phase, c.why = done, "no candidate of the server answered"
		return failed
	}
	c.target, c.targets = c.targets[0], c.targets[1:]
	c.p.printf("checking the pair with the server's %v", c.target)
	c.phase = checking
	c.check = c.send(now, false, stun.WithTimeout(checkTimeout))
	return none
}

// send queues a Binding request on the pair (RFC 8445 §7.2.4, §7.1):
// USERNAME, PRIORITY (ours as a peer-reflexive candidate would have it,
// §7.1.1), ICE-CONTROLLING, USE-CANDIDATE to nominate, then
// MESSAGE-INTEGRITY with the server's password and FINGERPRINT.
func (c *checker) send(now time.Time, nominate bool, opts ...stun.TransactionOption) *stun.Transaction {
	req := stun.NewBindingRequest()
	req.AddUsername(c.username) // ice-chars and a colon: cannot fail
	req.AddPriority(priority(prflxTypePreference, 65535, 1))
	req.AddICEControlling(c.tiebreaker)
	if nominate {
		req.AddUseCandidate()
	}
	req.AddMessageIntegrity(c.key)
	req.AddFingerprint()
	c.p.printf("→ %v  %v", c.target, req)
	c.out = append(c.out, outgoing{c.target, req.Marshal()})
	opts = append(opts, stun.WithRequest(req), stun.WithIntegrityKey(c.key))
	return stun.NewTransaction(now, opts...)
}

// handle takes a STUN datagram from the socket.
func (c *checker) handle(now time.Time, from netip.AddrPort, b []byte) outcome {
	var m stun.Message
	if err := m.Unmarshal(b); err != nil {
		c.p.printf("← %v  %v", from, err)
		return none
	}
	c.p.printf("← %v  %v", from, &m)
	// RFC 8445 §7.2.5.2.1: the answer must come from where the request went.
	if from != c.target {
		c.p.printf("  not from the address checked (%v): ignored (RFC 8445 §7.2.5.2.1)", c.target)
		return none
	}
	if c.check != nil {
		mapped, finished, err := c.check.HandleResponse(b)
		switch {
		case finished && err != nil:
			c.p.printf("  check failed: %v", err)
			c.check = nil
			return c.nextTarget(now)
		case err != nil:
			c.p.printf("  response discarded: %v", err)
		case finished:
			c.check = nil
			return c.succeeded(now, mapped)
		}
	}
	for _, t := range c.consent {
		if _, finished, err := t.HandleResponse(b); finished && err == nil {
			c.heard = now
			c.p.printf("  consent fresh for another %v (RFC 7675 §5.1)", consentTimeout)
		}
	}
	return none
}

// succeeded acts on the success response to the check in flight (RFC 8445
// §7.2.5.3): the first makes the pair valid and is followed by the
// nomination, the second selects the pair.
func (c *checker) succeeded(now time.Time, mapped netip.AddrPort) outcome {
	c.heard = now
	if c.phase == checking {
		c.p.printf("pair valid: the server sees us at %v (XOR-MAPPED-ADDRESS); nominating it with USE-CANDIDATE (RFC 8445 §8.1.1)", mapped)
		c.phase = nominating
		c.check = c.send(now, true, stun.WithTimeout(checkTimeout))
		return pairValid
	}
	c.p.printf("nominated: selected pair us %v ↔ server %v; consent checks every %v from now on", mapped, c.target, consentInterval)
	c.phase = selected
	c.next = now.Add(jitter(consentInterval))
	return pairSelected
}

// timeout runs the timers: retransmissions, failed checks, consent.
func (c *checker) timeout(now time.Time) outcome {
	if c.check != nil {
		resend, err := c.check.HandleTimeout(now)
		if resend {
			c.p.printf("→ %v  retransmission of tx=%v", c.target, c.check.ID())
			c.out = append(c.out, outgoing{c.target, c.check.Request()})
		}
		if err != nil {
			c.p.printf("  check failed: %v", err)
			c.check = nil
			if c.phase == nominating {
				c.phase, c.why = done, "the nomination was not answered"
				return failed
			}
			return c.nextTarget(now)
		}
	}
	if c.phase != selected {
		return none
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
		return failed
	}
	if !now.Before(c.next) {
		c.consent = append(c.consent, c.send(now, false, stun.WithRc(1)))
		c.next = now.Add(jitter(consentInterval))
	}
	return none
}

// deadline is when timeout must next be called.
func (c *checker) deadline() time.Time {
	d := time.Now().Add(time.Hour)
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(d) {
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
	return d
}

// jitter is d times a random factor from 0.8 to 1.2 (RFC 7675 §5.1).
func jitter(d time.Duration) time.Duration {
	var b [2]byte
	rand.Read(b[:])
	f := 0.8 + 0.4*float64(binary.BigEndian.Uint16(b[:]))/65535
	return time.Duration(float64(d) * f)
}
