package fakebrowser

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"net/netip"
	"time"

	"nutsandbolts/final/stun"
)

// The browser's half of ICE against the server, which is ICE-lite (RFC
// 8445 §2.5): we are the controlling agent. We check one pair, ours and
// the server's host candidate (§7.2.4), nominate it once the check is
// answered by repeating the check with USE-CANDIDATE (regular nomination,
// §8.1.1), then keep consent fresh with a check every 4 to 6 s (RFC 7675
// §5.1), as the server drops a session whose checks stop for 30 s. Like
// the protocol packages it owns no socket and reads no clock.

// ICE timers.
const (
	checkTimeout    = 5 * time.Second // a check unanswered this long fails (RFC 8445 §14.3 leaves it to us)
	consentInterval = 5 * time.Second // ±20 % (RFC 7675 §5.1)
)

// Candidate type preferences, RFC 8445 §5.1.2.2.
const prflxTypePreference = 110

// iceAgent runs the checks of one session.
type iceAgent struct {
	target     netip.AddrPort // the server's candidate
	username   string         // "<server ufrag>:<our ufrag>" (RFC 8445 §7.2.2)
	key        []byte         // the server's ice-pwd: MESSAGE-INTEGRITY (§7.2.2)
	tiebreaker uint64         // ICE-CONTROLLING (§7.1.3)

	check      *stun.Transaction // the check (or nomination) in flight
	nominating bool              // the check was answered; the USE-CANDIDATE one is in flight
	nominated  bool              // the USE-CANDIDATE check was answered
	consent    []*stun.Transaction
	next       time.Time // the next consent check
	out        [][]byte  // requests to send to target
}

func newICEAgent(target netip.AddrPort, serverUfrag, serverPwd, ourUfrag string) *iceAgent {
	var b [8]byte
	rand.Read(b[:]) // never fails
	return &iceAgent{target: target, username: serverUfrag + ":" + ourUfrag,
		key: stun.ShortTermKey(serverPwd), tiebreaker: binary.BigEndian.Uint64(b[:])}
}

// start sends the first check.
func (a *iceAgent) start(now time.Time) {
	a.check = a.send(now, false, stun.WithTimeout(checkTimeout))
}

// send queues a Binding request (RFC 8445 §7.1.1): USERNAME, PRIORITY (as
// a peer-reflexive candidate of ours would have it), ICE-CONTROLLING,
// USE-CANDIDATE to nominate, MESSAGE-INTEGRITY and FINGERPRINT.
func (a *iceAgent) send(now time.Time, nominate bool, opts ...stun.TransactionOption) *stun.Transaction {
	req := stun.NewBindingRequest()
	req.AddUsername(a.username)
	req.AddPriority(uint32(prflxTypePreference)<<24 | 65535<<8 | 255)
	req.AddICEControlling(a.tiebreaker)
	if nominate {
		req.AddUseCandidate()
	}
	req.AddMessageIntegrity(a.key)
	req.AddFingerprint()
	a.out = append(a.out, req.Marshal())
	return stun.NewTransaction(now, append(opts, stun.WithRequest(req), stun.WithIntegrityKey(a.key))...)
}

// handle takes a STUN datagram; nominated reports that this one answered
// the nomination. A failed check is an error: there is no other pair.
func (a *iceAgent) handle(now time.Time, from netip.AddrPort, b []byte) (nominated bool, err error) {
	if from != a.target { // §7.2.5.2.1: the answer must come from where the request went
		return false, nil
	}
	if a.check != nil {
		_, finished, err := a.check.HandleResponse(b)
		switch {
		case finished && err != nil:
			return false, err
		case finished && !a.nominating:
			// The pair is valid: nominate it (§8.1.1).
			a.nominating = true
			a.check = a.send(now, true, stun.WithTimeout(checkTimeout))
		case finished:
			a.check, a.nominated = nil, true
			a.next = now.Add(jitter(consentInterval))
			return true, nil
		}
	}
	for _, t := range a.consent {
		t.HandleResponse(b) // answers keep the server's consent fresh; we do not time ours out
	}
	return false, nil
}

// timeout runs the timers: retransmissions, a failed check, consent.
func (a *iceAgent) timeout(now time.Time) error {
	if a.check != nil {
		resend, err := a.check.HandleTimeout(now)
		if resend {
			a.out = append(a.out, a.check.Request())
		}
		if err != nil {
			return errors.New("ice: the server did not answer the connectivity check: " + err.Error())
		}
	}
	if !a.nominated {
		return nil
	}
	kept := a.consent[:0]
	for _, t := range a.consent {
		if _, err := t.HandleTimeout(now); err == nil {
			kept = append(kept, t)
		}
	}
	a.consent = kept
	if !now.Before(a.next) {
		a.consent = append(a.consent, a.send(now, false, stun.WithRc(1)))
		a.next = now.Add(jitter(consentInterval))
	}
	return nil
}

// deadline is when timeout must next run.
func (a *iceAgent) deadline() (time.Time, bool) {
	var d time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && (d.IsZero() || t.Before(d)) {
			d = t
		}
	}
	if a.check != nil {
		earlier(a.check.Deadline())
	}
	if a.nominated {
		earlier(a.next)
		for _, t := range a.consent {
			earlier(t.Deadline())
		}
	}
	return d, !d.IsZero()
}

// jitter is d times a random factor from 0.8 to 1.2 (RFC 7675 §5.1).
func jitter(d time.Duration) time.Duration {
	var b [2]byte
	rand.Read(b[:])
	return time.Duration(float64(d) * (0.8 + 0.4*float64(binary.BigEndian.Uint16(b[:]))/65535))
}
