// hashing_posix_disk_io: posix_disk_io, with each piece's SHA-1 taken from the blocks as they are
// written. Every call runs on libtorrent's network thread, as posix_disk_io's own do.
#include "verifier/hashing_disk_io.h"

#include <boost/asio/post.hpp>
#include <cstdint>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/disk_interface.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/hasher.hpp>
#include <libtorrent/io_context.hpp>
#include <libtorrent/peer_request.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/storage_defs.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "verifier/log.h"

namespace utxo::verifier {

namespace {

using WriteHandler = std::function<void(const lt::storage_error&)>;

// One piece being written: the SHA-1 of its bytes so far, while they come in order from its
// start, and the blocks not yet handed to posix_disk_io.
struct PieceWrite {
    lt::hasher sha1;
    int next = 0;          // offset in the piece of the next byte expected
    bool in_order = true;  // false once a block came out of order or twice
    int pending_start = 0;
    std::vector<char> pending;          // in-order blocks, written together
    std::vector<WriteHandler> waiting;  // their handlers, called once they are written
    lt::disk_job_flags_t flags{};
};

class HashingPosixDiskIo final : public lt::disk_interface {
public:
    HashingPosixDiskIo(lt::io_context& ios, const lt::settings_interface& settings, lt::counters& counters)
        : ios_(ios), inner_(lt::posix_disk_io_constructor(ios, settings, counters)) {}
    ~HashingPosixDiskIo() override {
        log().info(
            "piece hashes: {} taken while writing, {} read back from disk; {} blocks written in {} writes",
            from_memory_, read_back_, blocks_, writes_);
    }

    lt::storage_holder new_torrent(const lt::storage_params& p,
                                   const std::shared_ptr<void>& torrent) override {
        lt::storage_holder held = inner_->new_torrent(p, torrent);
        lt::storage_index_t idx = held;
        Storage& s = storages_[idx];
        s.files = &p.files;  // the torrent's own, which outlives its storage
        s.inner = std::move(held);
        return lt::storage_holder(idx, *this);
    }

    // Dropping the inner holder is what removes the storage from posix_disk_io.
    void remove_torrent(lt::storage_index_t idx) override {
        flush_storage(idx);
        storages_.erase(idx);
    }

    void async_read(lt::storage_index_t storage, const lt::peer_request& r,
                    std::function<void(lt::disk_buffer_holder, const lt::storage_error&)> handler,
                    lt::disk_job_flags_t flags) override {
        flush_piece(storage, r.piece);
        inner_->async_read(storage, r, std::move(handler), flags);
    }

    // A block that continues its piece in order is hashed and held; the piece's blocks go to
    // posix_disk_io in one write when the piece is complete (or anything else needs the file).
    // Their handlers run after that write, so libtorrent sees them written only once they are.
    bool async_write(lt::storage_index_t storage, const lt::peer_request& r, const char* buf,
                     std::shared_ptr<lt::disk_observer> observer, WriteHandler handler,
                     lt::disk_job_flags_t flags) override {
        ++blocks_;
        Storage* s = find(storage);
        if (!s) return write_now(storage, r, buf, std::move(observer), std::move(handler), flags);
        PieceWrite& p = s->pieces[static_cast<int>(r.piece)];
        if (p.in_order && r.start == p.next) {
            p.sha1.update(buf, r.length);
            p.next += r.length;
            if (p.pending.empty()) {
                p.pending_start = r.start;
                p.pending.reserve(static_cast<std::size_t>(s->files->piece_size(r.piece) - r.start));
            }
            p.pending.insert(p.pending.end(), buf, buf + r.length);
            p.waiting.push_back(std::move(handler));
            p.flags = flags;
            if (p.next == s->files->piece_size(r.piece)) flush(storage, r.piece, p);
            return false;
        }
        p.in_order = false;
        flush(storage, r.piece, p);  // the earlier blocks first
        return write_now(storage, r, buf, std::move(observer), std::move(handler), flags);
    }

    void async_hash(lt::storage_index_t storage, lt::piece_index_t piece, lt::span<lt::sha256_hash> v2,
                    lt::disk_job_flags_t flags,
                    std::function<void(lt::piece_index_t, const lt::sha1_hash&, const lt::storage_error&)>
                        handler) override {
        flush_piece(storage, piece);
        auto known = take(storage, piece);
        if (!known || !v2.empty() || !(flags & lt::disk_interface::v1_hash)) {
            ++read_back_;
            inner_->async_hash(storage, piece, v2, flags, std::move(handler));
            return;
        }
        // Answered after the piece's write handlers (posted before this): if one of them failed,
        // the piece is read back from disk instead.
        boost::asio::post(ios_,
                          [this, storage, piece, v2, flags, hash = *known, handler = std::move(handler)] {
                              if (write_failures_.erase({storage, piece}) > 0)
                                  ++read_back_, inner_->async_hash(storage, piece, v2, flags, handler);
                              else
                                  ++from_memory_, handler(piece, hash, lt::storage_error());
                          });
    }

    void async_hash2(lt::storage_index_t storage, lt::piece_index_t piece, int offset,
                     lt::disk_job_flags_t flags,
                     std::function<void(lt::piece_index_t, const lt::sha256_hash&, const lt::storage_error&)>
                         handler) override {
        flush_piece(storage, piece);
        inner_->async_hash2(storage, piece, offset, flags, std::move(handler));
    }

    void async_move_storage(
        lt::storage_index_t storage, std::string p, lt::move_flags_t flags,
        std::function<void(lt::status_t, const std::string&, const lt::storage_error&)> handler) override {
        flush_storage(storage);
        inner_->async_move_storage(storage, std::move(p), flags, std::move(handler));
    }

    void async_release_files(lt::storage_index_t storage, std::function<void()> handler) override {
        flush_storage(storage);
        inner_->async_release_files(storage, std::move(handler));
    }

    void async_check_files(lt::storage_index_t storage, const lt::add_torrent_params* resume_data,
                           lt::aux::vector<std::string, lt::file_index_t> links,
                           std::function<void(lt::status_t, const lt::storage_error&)> handler) override {
        flush_storage(storage);
        inner_->async_check_files(storage, resume_data, std::move(links), std::move(handler));
    }

    void async_stop_torrent(lt::storage_index_t storage, std::function<void()> handler) override {
        write_and_forget(storage);
        inner_->async_stop_torrent(storage, std::move(handler));
    }

    void async_rename_file(lt::storage_index_t storage, lt::file_index_t index, std::string name,
                           std::function<void(const std::string&, lt::file_index_t, const lt::storage_error&)>
                               handler) override {
        flush_storage(storage);
        inner_->async_rename_file(storage, index, std::move(name), std::move(handler));
    }

    void async_delete_files(lt::storage_index_t storage, lt::remove_flags_t options,
                            std::function<void(const lt::storage_error&)> handler) override {
        write_and_forget(storage);
        inner_->async_delete_files(storage, options, std::move(handler));
    }

    void async_set_file_priority(
        lt::storage_index_t storage, lt::aux::vector<lt::download_priority_t, lt::file_index_t> prio,
        std::function<void(const lt::storage_error&,
                           lt::aux::vector<lt::download_priority_t, lt::file_index_t>)>
            handler) override {
        flush_storage(storage);
        inner_->async_set_file_priority(storage, std::move(prio), std::move(handler));
    }

    // A piece that failed its check is cleared before it is downloaded again.
    void async_clear_piece(lt::storage_index_t storage, lt::piece_index_t index,
                           std::function<void(lt::piece_index_t)> handler) override {
        flush_piece(storage, index);
        if (Storage* s = find(storage)) s->pieces.erase(static_cast<int>(index));
        inner_->async_clear_piece(storage, index, std::move(handler));
    }

    void update_stats_counters(lt::counters& c) const override { inner_->update_stats_counters(c); }

    std::vector<lt::open_file_state> get_status(lt::storage_index_t storage) const override {
        return inner_->get_status(storage);
    }

    void abort(bool wait) override {
        for (auto& [idx, s] : storages_) flush_storage(idx);
        inner_->abort(wait);
    }
    void submit_jobs() override { inner_->submit_jobs(); }
    void settings_updated() override { inner_->settings_updated(); }

private:
    struct Storage {
        const lt::file_storage* files = nullptr;
        std::unordered_map<int, PieceWrite> pieces;  // pieces being written
        lt::storage_holder inner;                    // last: released first
    };

    // posix_disk_io writes the block before it returns and posts the handler to this thread.
    bool write_now(lt::storage_index_t storage, const lt::peer_request& r, const char* buf,
                   std::shared_ptr<lt::disk_observer> observer, WriteHandler handler,
                   lt::disk_job_flags_t flags) {
        ++writes_;
        return inner_->async_write(
            storage, r, buf, std::move(observer),
            [this, storage, p = r.piece, handler = std::move(handler)](const lt::storage_error& e) {
                if (e) write_failures_.insert({storage, p});
                handler(e);
            },
            flags);
    }

    // Hands the piece's held blocks to posix_disk_io in one write; their handlers follow it.
    void flush(lt::storage_index_t storage, lt::piece_index_t piece, PieceWrite& p) {
        if (p.pending.empty()) return;
        lt::peer_request r;
        r.piece = piece;
        r.start = p.pending_start;
        r.length = static_cast<int>(p.pending.size());
        write_now(
            storage, r, p.pending.data(), nullptr,
            [handlers = std::move(p.waiting)](const lt::storage_error& e) {
                for (const auto& h : handlers) h(e);
            },
            p.flags);
        p.waiting.clear();
        p.pending.clear();
        p.pending.shrink_to_fit();
    }

    Storage* find(lt::storage_index_t storage) {
        auto it = storages_.find(storage);
        return it == storages_.end() ? nullptr : &it->second;
    }

    void flush_piece(lt::storage_index_t storage, lt::piece_index_t piece) {
        Storage* s = find(storage);
        if (!s) return;
        if (auto p = s->pieces.find(static_cast<int>(piece)); p != s->pieces.end())
            flush(storage, piece, p->second);
    }

    void flush_storage(lt::storage_index_t storage) {
        if (Storage* s = find(storage))
            for (auto& [piece, p] : s->pieces) flush(storage, lt::piece_index_t(piece), p);
    }

    // Before the torrent stops or its files go: held blocks are written, running hashes dropped.
    void write_and_forget(lt::storage_index_t storage) {
        flush_storage(storage);
        if (Storage* s = find(storage)) s->pieces.clear();
    }

    // The piece's SHA-1 if every one of its bytes was written here once, in order; the piece is
    // forgotten either way (its blocks are written by now).
    std::optional<lt::sha1_hash> take(lt::storage_index_t storage, lt::piece_index_t piece) {
        Storage* s = find(storage);
        if (!s) return std::nullopt;
        auto p = s->pieces.find(static_cast<int>(piece));
        if (p == s->pieces.end()) return std::nullopt;
        std::optional<lt::sha1_hash> out;
        if (p->second.in_order && p->second.next == s->files->piece_size(piece)) out = p->second.sha1.final();
        s->pieces.erase(p);
        return out;
    }

    lt::io_context& ios_;
    std::uint64_t from_memory_ = 0, read_back_ = 0, blocks_ = 0, writes_ = 0;
    std::unique_ptr<lt::disk_interface> inner_;
    std::map<lt::storage_index_t, Storage> storages_;  // declared after inner_: released before it
    std::set<std::pair<lt::storage_index_t, lt::piece_index_t>> write_failures_;  // until the hash job
};

}  // namespace

lt::disk_io_constructor_type hashing_posix_disk_io() {
    return [](lt::io_context& ios, const lt::settings_interface& settings, lt::counters& counters) {
        return std::unique_ptr<lt::disk_interface>(new HashingPosixDiskIo(ios, settings, counters));
    };
}

}  // namespace utxo::verifier
