package srtp

// Cryptographic contexts, RFC 3711 §3.2.
//
// "Each SRTP stream requires the sender and receiver to maintain
// cryptographic state information. This information is called the
// cryptographic context." Part of it is shared by every stream of a
// session (the profile, the master key and the session keys derived from
// it, §3.2.1), part of it belongs to each SSRC (the rollover counter, s_l
// and the replay list, §3.2.3). A Context holds both for one master key,
// that is for one direction of one DTLS association:
//
//	           browser (DTLS client)              server (DTLS server)
//	  SRTP, SRTCP  --- client key and salt --->  in := NewContext(p, client)
//	                                                in.DecryptRTP, in.DecryptRTCP
//	       SRTCP  <--- server key and salt ----  out := NewContext(p, server)
//	                                                out.EncryptRTCP
//
// Per-SSRC state is created only for a packet that authenticated, and at
// most MaxSSRCs of each kind, so that packets from an attacker without the
// key cannot make a Context grow. The state lives in fixed arrays inside
// the Context: nothing is allocated when a new SSRC appears, and all of it
// is freed with the Context when the session ends.
//
// A Context is a plain state machine: no sockets, goroutines or clock. It
// is not safe for concurrent use; the program's loop owns it.

import (
	"fmt"
)

// MaxSSRCs is how many SSRCs a Context keeps state for, per kind (SRTP
// received, SRTCP received, RTP sent, RTCP sent). A browser sends one
// video SSRC, one more for RTX when negotiated, three of each with
// simulcast, and one for audio: 8 leaves room for all of them.
const MaxSSRCs = 8

// Context protects or unprotects the SRTP and SRTCP of one direction of a
// session. Create it with NewContext.
type Context struct {
	profile Profile
	rtp     *transform // SRTP session keys (labels 0x00-0x02)
	rtcp    *transform // SRTCP session keys (labels 0x03-0x05)

	rtpIn   recvStreams // per SSRC: ROC, s_l and replay list of SRTP
	rtcpIn  recvStreams // per SSRC: replay list of SRTCP
	rtpOut  sendStreams // per SSRC: highest index sent (ROC || SEQ)
	rtcpOut sendStreams // per SSRC: next SRTCP index to send

	stats Stats
}

// NewContext derives the session keys of one master key (RFC 3711 §4.3,
// once, with key_derivation_rate 0) and returns a Context with no SSRC
// state yet.
func NewContext(p Profile, master MasterKey) (*Context, error) {
	if !p.Supported() {
		return nil, fmt.Errorf("srtp: unsupported profile %v", p)
	}
	if len(master.Key) != p.KeyLen() || len(master.Salt) != p.SaltLen() {
		return nil, fmt.Errorf("srtp: %v needs a %d-byte master key and a %d-byte master salt, got %d and %d",
			p, p.KeyLen(), p.SaltLen(), len(master.Key), len(master.Salt))
	}
	keys, err := deriveSessionKeys(p, master)
	if err != nil {
		return nil, err
	}
	return newContextFromSessionKeys(p, keys)
}

// newContextFromSessionKeys skips the KDF; the RFC 7714 test vectors give
// session keys directly.
func newContextFromSessionKeys(p Profile, k sessionKeys) (*Context, error) {
	rtp, err := newTransform(p, k.rtpKey, k.rtpAuth, k.rtpSalt, p.TagLen())
	if err != nil {
		return nil, err
	}
	rtcp, err := newTransform(p, k.rtcpKey, k.rtcpAuth, k.rtcpSalt, p.RTCPTagLen())
	if err != nil {
		return nil, err
	}
	return &Context{profile: p, rtp: rtp, rtcp: rtcp}, nil
}

// Profile returns the Context's protection profile.
func (c *Context) Profile() Profile { return c.profile }

// Stats returns the Context's counters.
func (c *Context) Stats() Stats { return c.stats }

// ROC returns the rollover counter of a received SRTP stream: the number
// of times its sequence number wrapped (RFC 3711 §3.3.1). ok is false for
// an SSRC the Context has not accepted a packet from.
func (c *Context) ROC(ssrc uint32) (roc uint32, ok bool) {
	s := c.rtpIn.find(ssrc)
	if s == nil {
		return 0, false
	}
	return uint32(s.replay.top >> 16), true
}

// String describes the Context for a log line; it never shows keys.
func (c *Context) String() string {
	return fmt.Sprintf("%v, SSRCs: rtp in %d, rtcp in %d, rtp out %d, rtcp out %d; %v",
		c.profile, c.rtpIn.n, c.rtcpIn.n, c.rtpOut.n, c.rtcpOut.n, c.stats)
}

// recvStream is the per-SSRC state of a receiver. For SRTP the window's top
// is ROC || s_l; for SRTCP it is the highest SRTCP index.
type recvStream struct {
	ssrc   uint32
	replay replayWindow
}

type recvStreams struct {
	n int
	s [MaxSSRCs]recvStream
}

// find returns the SSRC's state, or nil. A linear scan of at most
// MaxSSRCs entries is faster than a map at this size.
func (t *recvStreams) find(ssrc uint32) *recvStream {
	for i := range t.n {
		if t.s[i].ssrc == ssrc {
			return &t.s[i]
		}
	}
	return nil
}

func (t *recvStreams) full() bool { return t.n == len(t.s) }

// add creates the state of a new SSRC at its first authenticated index.
// The caller checked full.
func (t *recvStreams) add(ssrc uint32, index uint64) {
	t.s[t.n] = recvStream{ssrc: ssrc, replay: newReplayWindow(index)}
	t.n++
}

// sendStream is the per-SSRC state of a sender: for RTP the highest index
// protected, for RTCP the next SRTCP index.
type sendStream struct {
	ssrc  uint32
	index uint64
}

type sendStreams struct {
	n int
	s [MaxSSRCs]sendStream
}

func (t *sendStreams) find(ssrc uint32) *sendStream {
	for i := range t.n {
		if t.s[i].ssrc == ssrc {
			return &t.s[i]
		}
	}
	return nil
}

func (t *sendStreams) full() bool { return t.n == len(t.s) }

func (t *sendStreams) add(ssrc uint32, index uint64) {
	t.s[t.n] = sendStream{ssrc: ssrc, index: index}
	t.n++
}
