// Package ice is the ICE-lite agent of the server (RFC 8445 §2.5): it
// answers the browser's connectivity checks on the one UDP port that the
// server shares between every browser session, and says which session a
// DTLS or SRTP datagram belongs to.
//
// RFC 8445 §2.5: "Lite agents only use host candidates and do not generate
// connectivity checks or run state machines, though they need to be able to
// respond to connectivity checks." The browser is a full agent, so it takes
// the controlling role and we the controlled one (§6.1.1: "The full agent
// MUST take the controlling role, and the lite agent MUST take the
// controlled role"). The browser sends every check; it also picks the pair
// (nomination, §8.1.1), and we learn its choice from USE-CANDIDATE.
//
// The agent is sans-IO: it owns no socket, no goroutine, no lock and no
// clock. The program's single loop goroutine reads a datagram, asks
// Classify what it is, and calls
//
//	Handle(now, from, datagram)   for STUN
//	Route(from)                   for DTLS and SRTP/SRTCP: which session?
//	HandleTimeout(now)            when the time of PollTimeout has come
//
// and after each call drains PollTransmit (datagrams to send) and PollEvent
// (PairValid, Selected, PairExpired, ConsentExpired). The same code runs in
// tests with a fake clock, and a fuzzer can drive it with arbitrary bytes.
// In outline:
//
//	n, from, _ := conn.ReadFromUDPAddrPort(buf)
//	now := time.Now()
//	switch ice.Classify(buf[:n]) {
//	case ice.KindSTUN:
//		if err := agent.Handle(now, from, buf[:n]); err != nil {
//			log once per source, count
//		}
//	case ice.KindDTLS, ice.KindRTP:
//		id, ok := agent.Route(from)
//		if !ok {
//			drop: not a valid pair
//		}
//		hand the datagram to session id's DTLS or SRTP
//	}
//	for tx, ok := agent.PollTransmit(); ok; tx, ok = agent.PollTransmit() {
//		conn.WriteToUDPAddrPort(tx.Data, tx.To)
//	}
//	for ev, ok := agent.PollEvent(); ok; ev, ok = agent.PollEvent() { ... }
//	deadline, ok := agent.PollTimeout() // arm the loop's timer; on expiry HandleTimeout
//
// One file per concern:
//
//	agent.go       the Agent, its sessions, Route and the output queues
//	check.go       RFC 8445 §7.3, RFC 8489 §6.3: answering a Binding request
//	pairs.go       RFC 8445 §7.3.2, §8.2: valid pairs, the selected pair, one session per address
//	consent.go     RFC 7675 §5.1: consent expiry per pair, PollTimeout, HandleTimeout
//	events.go      PairValid, Selected, PairExpired, ConsentExpired
//	errors.go      why a datagram was dropped, and the Stats counters
//	demux.go       RFC 7983 §7: STUN, DTLS or RTP by the first byte
//	candidates.go  RFC 8445 §5.1.2, §5.2: the host candidates of the offer
//
// Security: nothing is allocated for a datagram until it has passed
// MESSAGE-INTEGRITY with the password of a live session, and datagrams that
// fail are dropped without an answer, so that the port tells a prober
// nothing. Only addresses that have sent such a check are routed; DTLS and
// SRTP from anywhere else are dropped before any parsing. Anyone who opens
// the page has valid credentials of a session of their own, so an address
// that is another session's valid pair is not given to theirs while that
// pair has consent, whatever source address their checks claim.
package ice
