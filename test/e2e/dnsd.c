/*
 * dnsd: the DNS real server of test/e2e/checks.test.ts, compiled by the test (gcc -static) and run
 * in the VM's network namespaces. It answers every query datagram on UDP port 53 with a header
 * only: the query's id, QR|RD|RA, and the rcode read from the file named by argv[1] at each query
 * (0, NOERROR, when the file is absent; 2 is SERVFAIL). keepalived's DNS_CHECK reads no more than
 * the id, QR and the rcode. A shell responder under socat was too slow for a loaded TCG guest.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int rcode(const char *path) {
	FILE *f = fopen(path, "r");
	int r = 0;
	if (f == NULL) return 0;
	if (fscanf(f, "%d", &r) != 1 || r < 0 || r > 15) r = 0;
	fclose(f);
	return r;
}

int main(int argc, char **argv) {
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (argc != 2 || s < 0) return 2;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(53);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("dnsd: bind");
		return 1;
	}
	for (;;) {
		unsigned char q[512], r[12];
		struct sockaddr_in from;
		socklen_t len = sizeof from;
		ssize_t n = recvfrom(s, q, sizeof q, 0, (struct sockaddr *)&from, &len);
		if (n < 12) continue;
		memset(r, 0, sizeof r);
		r[0] = q[0];
		r[1] = q[1];
		r[2] = 0x81; /* QR, RD */
		r[3] = (unsigned char)(0x80 | rcode(argv[1])); /* RA, rcode */
		sendto(s, r, sizeof r, 0, (struct sockaddr *)&from, len);
	}
}
