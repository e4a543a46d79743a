package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr returns the IP address of the client that sent r. With
// trustProxy it is the last address in X-Forwarded-For: the one our own
// reverse proxy added. The addresses before it are whatever the client
// wrote, so they are never believed. Without trustProxy, or when the header
// holds no valid address, it is the address of the connection.
func ClientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return ip.Unmap().String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return host
}
