package dev.chrysalis.governance.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The write-ahead journal of one plugin's promotions: {@code <dir>/<plugin>.journal}, one line per record,
 * {@code CRC32 JSON}, each forced to disk before the write returns. A last line cut short by a crash (no
 * newline, or a checksum that does not match) is ignored when reading; a damaged line before the last is an error.
 */
public final class PromotionJournal {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private final ObjectMapper json = new ObjectMapper();
    private final Path file;

    public PromotionJournal(Path dir, String plugin) {
        if (!SAFE_NAME.matcher(plugin).matches()) {
            throw new PromotionException("plugin name '" + plugin + "' cannot name a journal file (letters, digits, '.', '_', '-')");
        }
        this.file = dir.resolve(plugin + ".journal");
    }

    public Path file() {
        return file;
    }

    public void append(JournalRecord r) {
        ObjectNode o = json.createObjectNode();
        o.put("promotion", r.promotion());
        o.put("plugin", r.plugin());
        o.put("candidate", r.candidate());
        o.put("lastGood", r.lastGood());
        o.put("artifact", r.artifact());
        o.put("state", r.state().name());
        o.put("phase", r.phase().name());
        o.put("reason", r.reason());
        o.put("at", r.at().toString());
        String body = o.toString();
        String line = String.format("%08x", crc(body)) + " " + body + "\n";
        try {
            boolean created = !Files.exists(file);
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.position(cutTornTail(ch));
                ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (created) {
                try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                    dir.force(true);
                } catch (IOException ignored) {
                    // not every file system lets a directory be forced; the file itself is already on disk
                }
            }
        } catch (IOException e) {
            throw new PromotionException("cannot write promotion journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Drops a last line a crash cut short (no newline), so the next record starts on a line of its own. */
    private static long cutTornTail(FileChannel ch) throws IOException {
        long size = ch.size();
        long end = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (end > 0) {
            one.clear();
            ch.read(one, end - 1);
            if (one.get(0) == '\n') {
                break;
            }
            end--;
        }
        if (end < size) {
            ch.truncate(end);
            ch.force(true);
        }
        return end;
    }

    /** Every complete record, oldest first. */
    public List<JournalRecord> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PromotionException("cannot read promotion journal " + file + ": " + e.getMessage(), e);
        }
        List<JournalRecord> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        // the element after the last '\n' is "" for a clean file, or a torn line
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean last = i >= lines.length - 2;
            boolean complete = i < lines.length - 1;
            if (line.isEmpty() && !complete) {
                continue;
            }
            Optional<JournalRecord> r = complete ? parse(line) : Optional.empty();
            if (r.isPresent()) {
                out.add(r.get());
            } else if (!last) {
                throw new PromotionException("promotion journal " + file + " line " + (i + 1) + " is damaged (not a torn last write)");
            }
        }
        return out;
    }

    private Optional<JournalRecord> parse(String line) {
        int space = line.indexOf(' ');
        if (space != 8) {
            return Optional.empty();
        }
        String body = line.substring(9);
        try {
            if (Long.parseLong(line.substring(0, 8), 16) != crc(body)) {
                return Optional.empty();
            }
            JsonNode n = json.readTree(body);
            return Optional.of(new JournalRecord(n.get("promotion").asText(), n.get("plugin").asText(),
                    n.get("candidate").asText(), n.get("lastGood").asText(), n.get("artifact").asText(),
                    PromotionState.valueOf(n.get("state").asText()), JournalRecord.Phase.valueOf(n.get("phase").asText()),
                    n.get("reason").asText(), Instant.parse(n.get("at").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long crc(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
