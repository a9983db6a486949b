// Package signaling is how the server and a browser meet before any media
// flows: a WebSocket at /ws carrying JSON text frames, each with a "type".
//
//	server  → browser  {"type":"offer","sdp":"v=0…","session":"3f9a2c1e","iceServers":[…]}
//	browser → server   {"type":"answer","sdp":"v=0…"}
//	browser → server   {"type":"candidate","candidate":"candidate:…","sdpMid":"0"}   (trickle ICE; "" = end of candidates)
//	browser → server   {"type":"state","signalingState":"stable",…}                 (each RTCPeerConnection state change)
//	browser → server   {"type":"keyframe"}                                           (the "request a keyframe" button)
//	server  → browser  {"type":"event","layer":"ice","text":"…"}                     (narration for the page's event log)
//	server  → browser  {"type":"error","message":"…"}                                (the browser sent something wrong)
//
// The server speaks first: it writes the SDP offer itself (package sdp), the
// browser answers. One WebSocket is one session; closing it ends the session
// and frees everything the server held for it.
package signaling

// Message types, the "type" field of every frame.
const (
	TypeOffer     = "offer"
	TypeAnswer    = "answer"
	TypeCandidate = "candidate"
	TypeState     = "state"
	TypeKeyframe  = "keyframe"
	TypeStats     = "stats"
	TypeEvent     = "event"
	TypeError     = "error"
)

// envelope is what every frame has; the rest is decoded once the type is known.
type envelope struct {
	Type string `json:"type"` // one of the Type constants
}

// Offer is the server's first message on a new socket.
type Offer struct {
	Type       string      `json:"type"`                 // "offer"
	SDP        string      `json:"sdp"`                  // the SDP offer, RFC 8866 text
	Session    string      `json:"session"`              // the session id, as the server log shows it
	Step       string      `json:"step,omitempty"`       // which step of the tutorial is serving
	ICEServers []ICEServer `json:"iceServers,omitempty"` // for new RTCPeerConnection({iceServers})
}

// ICEServer is one entry of RTCConfiguration.iceServers (W3C WebRTC §4.2.2).
type ICEServer struct {
	URLs []string `json:"urls"` // e.g. "stun:127.0.0.1:15000"
}

// Answer carries the browser's SDP answer (RTCSessionDescription.sdp).
type Answer struct {
	SDP string `json:"sdp"` // the complete SDP answer
}

// Candidate is one trickled ICE candidate (RTCIceCandidate); an empty
// candidate means the browser has finished gathering.
type Candidate struct {
	Candidate     string  `json:"candidate"`     // "candidate:…" as in an a= line, or ""
	SDPMid        *string `json:"sdpMid"`        // the m-section it belongs to
	SDPMLineIndex *int    `json:"sdpMLineIndex"` // the same, by index
}

// State is the browser's view of its RTCPeerConnection (W3C WebRTC §4.3).
type State struct {
	SignalingState     string `json:"signalingState"`     // e.g. "stable" once the answer is set
	ICEGatheringState  string `json:"iceGatheringState"`  // new, gathering, complete
	ICEConnectionState string `json:"iceConnectionState"` // new, checking, connected, …
	ConnectionState    string `json:"connectionState"`    // ICE and DTLS together
}

// Event is a line of narration the page shows in its event log.
type Event struct {
	Type  string `json:"type"`  // "event"
	Layer string `json:"layer"` // the layer that speaks, as in the server log
	Text  string `json:"text"`  // what happened
}

// Error tells the browser what it sent wrong. The session goes on, unless
// the browser has sent too many bad messages or no answer in time: then a
// last error says so and the server closes the socket.
type Error struct {
	Type    string `json:"type"`    // "error"
	Message string `json:"message"` // the reason, as logged
}

// BrowserStats is what the browser reports of the video it sends (W3C
// webrtc-stats: outbound-rtp, and remote-inbound-rtp, which the browser
// computes from our receiver reports): the page sends it once a second.
type BrowserStats struct {
	FramesEncoded    int      `json:"framesEncoded"`
	KeyFramesEncoded int      `json:"keyFramesEncoded"`
	PLICount         int      `json:"pliCount"`      // our PLIs, as the browser counted them
	NACKCount        int      `json:"nackCount"`     // our NACKs
	RoundTripTime    *float64 `json:"roundTripTime"` // seconds, from our RR's LSR and DLSR (RFC 3550 §6.4.1); absent before one
	FractionLost     *float64 `json:"fractionLost"`  // from our RR
}
