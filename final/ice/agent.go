package ice

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"nutsandbolts/final/stun"
)

// This file holds the Agent: the table of browser sessions, the routing of
// non-STUN datagrams to them, and the queues through which the agent hands
// its output to the program's loop.

// DefaultConsentTimeout is the consent expiry of RFC 7675 §5.1: "Consent
// expires after 30 seconds."
const DefaultConsentTimeout = 30 * time.Second

// Credentials are the ICE username fragment and password of one side
// (a=ice-ufrag and a=ice-pwd, RFC 8839 §5.4).
type Credentials struct {
	Ufrag string // the username fragment: the half of USERNAME that names its owner
	Pwd   string // the password: the short-term key of MESSAGE-INTEGRITY (RFC 8489 §9.1.1)
}

// Config configures an Agent.
type Config struct {
	Software       string        // SOFTWARE attribute of responses (RFC 8489 §14.14); "" = none; ignored if not UTF-8 of fewer than 128 characters
	ConsentTimeout time.Duration // how long a pair keeps consent, and a session lives, without an authenticated check (RFC 7675 §5.1); 0 = DefaultConsentTimeout
}

// Transmit is a datagram the program must send from the agent's port.
type Transmit struct {
	To   netip.AddrPort // the destination: the source of the request being answered
	Data []byte         // the encoded STUN response; the program owns it
}

// Agent is the ICE-lite agent of one UDP port. It serves every browser
// session on that port. It is not safe for concurrent use: one goroutine,
// the program's loop, owns it.
type Agent struct {
	software string        // SOFTWARE of our responses, or ""
	timeout  time.Duration // consent expiry

	sessions map[string]*session         // by session id
	byUfrag  map[string]*session         // by local ufrag: the first half of a check's USERNAME
	routes   map[netip.AddrPort]*session // by the remote address of each valid pair: Route; an address is one session's at a time
	consent  consentQueue                // every session, earliest consent deadline (session.wake) first

	transmits queue[Transmit] // responses not yet taken by PollTransmit
	events    queue[Event]    // events not yet taken by PollEvent
	stats     Stats           // counters, copied out by Stats

	req stun.Message // decode buffer, reused by every Handle
}

// session is one browser's ICE session: one PeerConnection with one
// bundled, rtcp-muxed component, hence one checklist of one component.
type session struct {
	id     string      // the program's name for the session
	local  Credentials // ours, from the offer: checks are signed with local.Pwd
	remote Credentials // the browser's, from the answer: the second half of USERNAME; Ufrag "" until known
	key    []byte      // stun.ShortTermKey(local.Pwd), computed once

	last     time.Time      // AddSession's time, then the last answered check on any pair: the session expires ConsentTimeout later
	wake     time.Time      // the earliest consent deadline of the session and its pairs: when HandleTimeout has work for it
	heap     int            // index of this session in Agent.consent
	pairs    []pair         // the valid list (RFC 8445 §6.1.2.2): pairs with consent, at most MaxValidPairs, see pairs.go
	selected netip.AddrPort // the remote address of the selected pair; invalid until nominated
}

// NewAgent returns an agent with no sessions.
func NewAgent(cfg Config) *Agent {
	a := &Agent{
		timeout:  cfg.ConsentTimeout,
		sessions: make(map[string]*session),
		byUfrag:  make(map[string]*session),
		routes:   make(map[netip.AddrPort]*session),
		stats:    Stats{Dropped: make(map[error]uint64)},
	}
	if a.timeout <= 0 {
		a.timeout = DefaultConsentTimeout
	}
	// The same limits as stun.AddSoftware, checked once here rather than
	// failing on every response.
	if utf8.ValidString(cfg.Software) && utf8.RuneCountInString(cfg.Software) < 128 {
		a.software = cfg.Software
	}
	return a
}

// AddSession registers a browser session once its SDP answer has arrived:
// local are our a=ice-ufrag and a=ice-pwd from the offer, remote the
// browser's from the answer. From now on checks with USERNAME
// "local.Ufrag:remote.Ufrag" signed with local.Pwd are answered
// (RFC 8445 §7.2.2, §7.3). The session gets ConsentTimeout from now to send
// its first check.
//
// remote.Pwd is not needed: a lite agent sends no requests, and its
// responses are signed with the same password as the request, ours
// (RFC 8445 §7.3: "the short-term credential mechanism MUST be used for the
// response"). It is accepted so that callers can pass the answer's
// credentials as they are.
//
// remote.Ufrag may be empty when the session is registered as soon as the
// offer is sent, before the answer: RFC 8445 §7.3 says "It is possible (and
// in fact very likely) that the initiating agent will receive a Binding
// request prior to receiving the candidates from its peer. If this happens,
// the agent MUST immediately generate a response". The browser starts
// checking as soon as it has our offer, while its answer may still be on its
// way through the signalling channel; checks signed with our password are
// then answered whatever their remote half, until SetRemote records it.
//
// It fails if id is already used, or if local.Ufrag is already used by
// another session: the ufrag is how a check finds its session, so it must
// be unique on the port (our ufrags are random, RFC 8445 §5.3).
func (a *Agent) AddSession(now time.Time, id string, local, remote Credentials) error {
	switch {
	case id == "":
		return errors.New("ice: empty session id")
	case local.Ufrag == "" || strings.Contains(local.Ufrag, ":"):
		return fmt.Errorf("ice: local ufrag %q must be non-empty and without ':'", local.Ufrag)
	case strings.Contains(remote.Ufrag, ":"):
		return fmt.Errorf("ice: remote ufrag %q must not contain ':'", remote.Ufrag)
	case local.Pwd == "":
		return errors.New("ice: empty local password")
	}
	if _, dup := a.sessions[id]; dup {
		return fmt.Errorf("ice: session %q already exists", id)
	}
	if s, dup := a.byUfrag[local.Ufrag]; dup {
		return fmt.Errorf("ice: local ufrag %q already used by session %q", local.Ufrag, s.id)
	}
	s := &session{
		id:     id,
		local:  local,
		remote: remote,
		key:    stun.ShortTermKey(local.Pwd),
		last:   now,
		wake:   now.Add(a.timeout),
	}
	a.sessions[id] = s
	a.byUfrag[local.Ufrag] = s
	a.consent.add(s)
	return nil
}

// SetRemote records the browser's credentials from the answer, for a
// session added before the answer arrived (remote.Ufrag empty). From then
// on checks must carry this ufrag. It fails for an unknown session, an
// empty or invalid ufrag, or one that differs from a ufrag already set: a
// new ufrag means an ICE restart (RFC 8445 §9), which is a new session.
func (a *Agent) SetRemote(id string, remote Credentials) error {
	s, ok := a.sessions[id]
	switch {
	case !ok:
		return fmt.Errorf("ice: unknown session %q", id)
	case remote.Ufrag == "" || strings.Contains(remote.Ufrag, ":"):
		return fmt.Errorf("ice: remote ufrag %q must be non-empty and without ':'", remote.Ufrag)
	case s.remote.Ufrag != "" && s.remote.Ufrag != remote.Ufrag:
		return fmt.Errorf("ice: session %q already has remote ufrag %q, not %q", id, s.remote.Ufrag, remote.Ufrag)
	}
	s.remote = remote
	return nil
}

// RemoveSession forgets a session: its credentials, valid pairs and
// routes. Checks for it are then dropped as "unknown ufrag", and its
// addresses are no longer routed; other sessions may take them at once.
// Unknown ids are ignored. The agent does the same by itself when consent
// expires (ConsentExpired).
func (a *Agent) RemoveSession(id string) {
	s, ok := a.sessions[id]
	if !ok {
		return
	}
	a.consent.remove(s)
	a.free(s)
}

// free deletes s from every table but the consent queue.
func (a *Agent) free(s *session) {
	for _, p := range s.pairs {
		if a.routes[p.remote] == s {
			delete(a.routes, p.remote)
		}
	}
	delete(a.byUfrag, s.local.Ufrag)
	delete(a.sessions, s.id)
}

// Route says which session a non-STUN datagram (DTLS, SRTP, SRTCP) from
// from belongs to. Only the remote addresses of valid pairs are routed:
// addresses that have sent an authenticated check that we answered, less
// than ConsentTimeout ago (as of the last Handle or HandleTimeout). The
// caller drops anything else, before parsing it; the agent keeps no state
// for it. An address is routed to one session at most: another session
// cannot take it while it has consent (see claim in pairs.go).
//
// Route is the only check that stands between the port and the DTLS
// server, so it is exact: the address and port must match.
func (a *Agent) Route(from netip.AddrPort) (session string, ok bool) {
	s, ok := a.routes[canonical(from)]
	if !ok {
		return "", false
	}
	return s.id, true
}

// Sessions returns the number of live sessions.
func (a *Agent) Sessions() int { return len(a.sessions) }

// PollTransmit returns the next datagram to send. The program calls it
// until it returns false after every Handle.
func (a *Agent) PollTransmit() (Transmit, bool) { return a.transmits.pop() }

// PollEvent returns the next event. The program calls it until it returns
// false after every Handle and HandleTimeout.
func (a *Agent) PollEvent() (Event, bool) { return a.events.pop() }

// emit queues an event and counts it.
func (a *Agent) emit(e Event) {
	switch e.(type) {
	case PairValid:
		a.stats.PairsValid++
	case Selected:
		a.stats.Selections++
	case PairExpired:
		a.stats.PairExpiries++
	case ConsentExpired:
		a.stats.ConsentExpiries++
	}
	a.events.push(e)
}

// canonical turns an IPv4-mapped IPv6 address (::ffff:192.0.2.1), which a
// dual-stack socket reports for IPv4 senders, into plain IPv4, so that
// routes and XOR-MAPPED-ADDRESS are the same whichever socket the program
// uses. Sending to the IPv4 form works on a dual-stack socket too.
func canonical(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// queue is a FIFO that reuses its array once drained. The agent's queues
// hold zero, one or two entries between polls.
type queue[T any] struct {
	items []T // entries; those before head have been popped
	head  int // index of the next entry to pop
}

func (q *queue[T]) push(v T) { q.items = append(q.items, v) }

func (q *queue[T]) pop() (T, bool) {
	var zero T
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
		return zero, false
	}
	v := q.items[q.head]
	q.items[q.head] = zero // let the garbage collector have the datagram
	q.head++
	return v, true
}
