package pcap

// tshark reads what the Recorder writes, with the options doc.go tells a
// reader to type. Skipped where tshark is not installed, except in CI.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sharedKeyframe = "../../../shared/captures/chromium-keyframe-rtp/"

func needTshark(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tshark is required in CI: %v", err)
		}
		t.Skip("tshark not installed (apt-get install tshark)")
	}
	return p
}

// tsharkFields runs tshark on file with opts and returns, per packet, the
// fields asked for.
func tsharkFields(t *testing.T, tshark, file string, opts []string, fields ...string) [][]string {
	t.Helper()
	args := append([]string{"-r", file, "-n",
		"-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-T", "fields", "-E", "separator=/t"}, opts...)
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tshark, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // no preferences of the user's
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

func TestTshark(t *testing.T) {
	tshark := needTshark(t)
	file := filepath.Join(t.TempDir(), "session.pcap")
	r, err := NewRecorder(file, 16, nil)
	if err != nil {
		t.Fatal(err)
	}
	pkts := append(capturePackets(t, browser4, server4), capturePackets(t, browser6, server6)...)
	for _, p := range pkts {
		if !r.Write(p.t, p.src, p.dst, p.payload) {
			t.Fatal("queue full")
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	fields := []string{"frame.protocols", "ip.checksum.status", "udp.checksum.status", "udp.srcport", "udp.dstport", "rtp.seq", "rtcp.pt", "vp8.keyframe.width"}
	for _, tc := range []struct {
		name string
		opts []string
	}{
		{"enable-heuristic and decode-as", []string{"--enable-heuristic", "rtp_udp", "-d", "rtp.pt==96,vp8"}},
		// The names of Wireshark 1.x, which 4.0 still translates.
		{"old preference names", []string{"-o", "rtp.heuristic_rtp:TRUE", "-o", "vp8.dynamic.payload.type:96"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := tsharkFields(t, tshark, file, tc.opts, fields...)
			if len(rows) != len(pkts) {
				t.Fatalf("tshark shows %d packets, want %d: %q", len(rows), len(pkts), rows)
			}
			for i, row := range rows {
				p := pkts[i]
				ip := "ip"
				if p.src.Addr().Is6() {
					ip = "ipv6"
				}
				want := []string{"raw:" + ip + ":udp:rtp:vp8", "1", "1", "54321", "8443", "", "", ""}
				switch {
				case p.proto == "rtcp":
					want = []string{"raw:" + ip + ":udp:rtcp", "1", "1", "8443", "54321", "", "201,202", ""}
					if i%4 == 3 {
						want[6] = "206" // payload-specific feedback: the PLI
					}
				case i%4 == 0:
					want[5], want[7] = "7210", "640" // the keyframe's start
				default:
					want[5] = "7211"
				}
				if ip == "ipv6" {
					want[1] = "" // IPv6 has no header checksum
				}
				for len(row) < len(want) {
					row = append(row, "")
				}
				for j := range want {
					if row[j] != want[j] {
						t.Errorf("packet %d: %s = %q, want %q", i+1, fields[j], row[j], want[j])
					}
				}
			}
		})
	}

	// With no option, RTCP is recognized (the rtcp_udp heuristic is on by
	// default) and RTP is not: the reason for --enable-heuristic.
	t.Run("no options", func(t *testing.T) {
		rows := tsharkFields(t, tshark, file, nil, "frame.protocols")
		if got := rows[0][0]; got != "raw:ip:udp:data" {
			t.Errorf("RTP without options: %q, want raw:ip:udp:data", got)
		}
		if got := rows[2][0]; got != "raw:ip:udp:rtcp" {
			t.Errorf("RTCP without options: %q, want raw:ip:udp:rtcp", got)
		}
	})
}

// TestTsharkChromium writes the first keyframe of a real Chromium session
// (three decrypted RTP packets) and has tshark find a 640×480 VP8
// keyframe in it.
func TestTsharkChromium(t *testing.T) {
	tshark := needTshark(t)
	if _, err := os.Stat(sharedKeyframe); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not present: %v", err)
	}
	file := filepath.Join(t.TempDir(), "chromium.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"001.rtp", "002.rtp", "003.rtp"} {
		b, err := os.ReadFile(sharedKeyframe + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WritePacket(start.Add(time.Duration(i)*time.Millisecond), browser4, server4, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	rows := tsharkFields(t, tshark, file, []string{"--enable-heuristic", "rtp_udp", "-d", "rtp.pt==96,vp8"},
		"frame.protocols", "rtp.seq", "rtp.marker", "vp8.hdr.frametype", "vp8.keyframe.width", "vp8.keyframe.height")
	want := [][]string{
		{"raw:ip:udp:rtp:vp8", "13174", "0", "0", "640", "480"},
		{"raw:ip:udp:rtp:vp8", "13175", "0", "", "", ""},
		{"raw:ip:udp:rtp:vp8", "13176", "1", "", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("tshark: %q", rows)
	}
	for i := range want {
		for len(rows[i]) < len(want[i]) {
			rows[i] = append(rows[i], "")
		}
		if strings.Join(rows[i], " ") != strings.Join(want[i], " ") {
			t.Errorf("packet %d: %q, want %q", i+1, rows[i], want[i])
		}
	}
}
