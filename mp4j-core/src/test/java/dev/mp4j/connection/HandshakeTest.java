package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hmacSha256MatchesRfc4231() {
        // RFC 4231, test cases 1, 2 and 6 (a key longer than the block).
        assertArrayEquals(HEX.parseHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                Handshake.hmac("HmacSHA256", HEX.parseHex("0b".repeat(20)), "Hi There".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(HEX.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                Handshake.hmac("HmacSHA256", "Jefe".getBytes(StandardCharsets.US_ASCII),
                        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(HEX.parseHex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
                Handshake.hmac("HmacSHA256", HEX.parseHex("aa".repeat(131)),
                        "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void hmacMatchesTheJdksMacForEveryKeyLengthAroundTheBlock() throws Exception {
        byte[] message = new byte[45];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) (i * 7);
        }
        for (String algorithm : new String[] {"HmacSHA256", "HmacMD5"}) {
            for (int length : new int[] {0, 1, 20, 32, 63, 64, 65, 100}) {
                byte[] key = new byte[length];
                for (int i = 0; i < length; i++) {
                    key[i] = (byte) (31 * i + 1);
                }
                Mac mac = Mac.getInstance(algorithm);
                // The JDK refuses an empty key; HMAC pads keys with zeros, so one zero byte is the same.
                mac.init(new SecretKeySpec(length == 0 ? new byte[1] : key, algorithm));
                assertArrayEquals(mac.doFinal(message), Handshake.hmac(algorithm, key, message), algorithm + " with a key of " + length);
            }
        }
    }
}
