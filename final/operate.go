package main

import (
	"encoding/json"
	"net/http"
	"time"

	"nutsandbolts/final/metrics"
)

// What an operator needs besides the page: /healthz, which a supervisor
// (systemd, Kubernetes, a load balancer) polls to know the server is
// alive, and /metrics, which Prometheus scrapes. Both are plain HTTP on
// the page's port.
//
// The metrics are package-level: one server per process, as Prometheus's
// own client libraries assume. The UDP loop updates them with atomic adds
// and never waits for a scrape (package metrics).

// mx holds every metric of the server.
var mx = newServerMetrics()

type serverMetrics struct {
	reg *metrics.Registry

	datagramsIn, datagramsOut *metrics.Counter
	dropped                   *metrics.CounterVec // by reason: udp.go's fixed reasons
	handshakes, earlyKept     *metrics.Counter
	rtpPackets, rtpBytes      *metrics.Counter
	frames, keyframes         *metrics.Counter
	plis, firs, nacks         *metrics.Counter
	jpegs, jpegSkipped        *metrics.Counter
	jpegFailures              *metrics.Counter
	ivfDropped                *metrics.Counter
	panics                    *metrics.Counter
	decode, encode            *metrics.Histogram
}

func newServerMetrics() *serverMetrics {
	r := metrics.NewRegistry()
	m := &serverMetrics{reg: r}
	m.datagramsIn = r.NewCounter("webrtc_udp_datagrams_received_total", "UDP datagrams read from the media port.")
	m.datagramsOut = r.NewCounter("webrtc_udp_datagrams_sent_total", "UDP datagrams sent from the media port.")
	m.dropped = r.NewCounterVec("webrtc_udp_datagrams_dropped_total", "UDP datagrams dropped, by reason.", "reason", 64)
	m.handshakes = r.NewCounter("webrtc_dtls_handshakes_total", "DTLS handshakes completed.")
	m.earlyKept = r.NewCounter("webrtc_dtls_early_datagrams_total", "First DTLS datagrams that came before the browser's answer, kept for it.")
	m.rtpPackets = r.NewCounter("webrtc_rtp_packets_total", "RTP packets decrypted.")
	m.rtpBytes = r.NewCounter("webrtc_rtp_bytes_total", "Bytes of RTP packets decrypted, headers included.")
	m.frames = r.NewCounter("webrtc_vp8_frames_total", "Complete VP8 frames assembled.")
	m.keyframes = r.NewCounter("webrtc_vp8_keyframes_total", "Complete VP8 keyframes assembled.")
	m.plis = r.NewCounter("webrtc_rtcp_pli_sent_total", "Picture loss indications sent (RFC 4585 §6.3.1).")
	m.firs = r.NewCounter("webrtc_rtcp_fir_sent_total", "Full intra requests sent (RFC 5104 §4.3.1).")
	m.nacks = r.NewCounter("webrtc_rtcp_nack_sent_total", "Generic NACK packets sent (RFC 4585 §6.2.1).")
	m.jpegs = r.NewCounter("webrtc_jpeg_files_total", "JPEG files written.")
	m.jpegSkipped = r.NewCounter("webrtc_jpeg_skipped_total", "Keyframes not saved because the JPEG workers were busy.")
	m.jpegFailures = r.NewCounter("webrtc_jpeg_failures_total", "JPEG files not written: disk error, full disk or output cap.")
	m.ivfDropped = r.NewCounter("webrtc_ivf_frames_dropped_total", "Frames not written to IVF files because the disk did not keep up.")
	m.panics = r.NewCounter("webrtc_panics_total", "Panics caught by the UDP loop's safety net: bugs.")
	m.decode = r.NewHistogram("webrtc_vp8_decode_seconds", "Time to decode one VP8 keyframe.", metrics.ExponentialBuckets(0.001, 2, 8))
	m.encode = r.NewHistogram("webrtc_jpeg_encode_seconds", "Time to encode one JPEG file.", metrics.ExponentialBuckets(0.001, 2, 8))
	return m
}

// programMetrics registers what is read at scrape time from the running
// program, in a registry of its own (tests start several programs in one
// process; mx's counters are the process's).
func (p *program) programMetrics() *metrics.Registry {
	r := metrics.NewRegistry()
	r.NewGaugeFunc("webrtc_sessions", "Sessions (WebSockets) open now.", func() float64 { return float64(p.signaling.Sessions()) })
	st := p.signaling.Stats()
	r.NewCounterFunc("webrtc_sessions_opened_total", "Sessions opened.", func() float64 { return float64(st.Sessions.Load()) })
	r.NewCounterFunc("webrtc_sessions_refused_total", "WebSockets or requests refused: host, origin, server full, too fast.", func() float64 { return float64(st.Refused.Load()) })
	r.NewCounterFunc("webrtc_signaling_bad_messages_total", "Signaling messages answered with an error.", func() float64 { return float64(st.BadMessages.Load()) })
	r.NewCounterFunc("webrtc_signaling_messages_dropped_total", "Messages to pages dropped because the page was not reading.", func() float64 { return float64(st.Dropped.Load()) })
	disk := p.media.disk
	r.NewCounterFunc("webrtc_output_bytes_total", "Bytes of IVF and JPEG files written by this run.", func() float64 { return float64(disk.Used()) })
	metrics.RegisterProcessMetrics(r)
	return r
}

// serveMetrics answers a Prometheus scrape: the process's counters, then
// the program's.
func (p *program) serveMetrics(w http.ResponseWriter, r *http.Request) {
	b := mx.reg.AppendText(nil)
	b = p.metrics.AppendText(b)
	h := w.Header()
	h.Set("Content-Type", metrics.ContentType)
	h.Set("Cache-Control", "no-store")
	w.Write(b)
}

// healthz answers 200 while the UDP loop answers within a second, and 503
// when it does not (stuck: a bug) or when the server is shutting down.
func (p *program) healthz(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	answered := make(chan bool, 1)
	go func() { answered <- p.media.udp.do(func() {}) }()
	status, code := "ok", http.StatusOK
	select {
	case ok := <-answered:
		if !ok {
			status, code = "shutting down", http.StatusServiceUnavailable
		}
	case <-time.After(time.Second):
		status, code = "UDP loop not answering", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{
		"status":   status,
		"sessions": p.signaling.Sessions(),
		"loop_ms":  float64(time.Since(start).Microseconds()) / 1000,
		"uptime_s": int64(time.Since(p.started).Seconds()),
	})
}
