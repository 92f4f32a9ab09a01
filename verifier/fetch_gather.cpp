// discover(): every source on a thread of its own (its list, then its offers' signatures and
// manifests, one request after another), and the agreement rule applied, newest height first, to
// whatever has arrived. Everything a source sends is bounded (DiscoveryLimits) and printed only
// through core::printable.
#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "core/bounded_json.h"
#include "core/printable.h"
#include "core/sha256.h"
#include "verifier/fetch_discover.h"
#include "verifier/fetch_evaluate.h"
#include "verifier/log.h"

namespace utxo::verifier {

using core::Errc;
using core::fail;
using Clock = std::chrono::steady_clock;

namespace {

struct SourceWork {
    HttpUrl source;
    bool listed = false;  // its list arrived, or will not
    bool answered = false;
    std::vector<Offer> offers;  // set once when listed, never resized afterwards
    std::vector<OfferFiles> files;
};

// Shared by discover() and the source threads. A thread still waiting on a slow source when
// discover() returns keeps this alive and stops before its next request.
struct Shared {
    core::Trustnet trustnet;
    DiscoveryLimits limits;
    std::optional<core::Height> installed;
    std::optional<core::Height> at_most;  // offers above it are set aside (a patch chain's step)
    std::vector<std::string> authority_origins;
    Clock::time_point deadline;
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<SourceWork> sources;
    // One copy of each different manifest of a height, shared by every offer serving it.
    std::map<core::Height, std::map<core::Sha256Digest, std::shared_ptr<const std::string>>> manifests;
    std::uint64_t spent = 0;    // bytes downloaded by discovery
    std::uint64_t version = 0;  // counts the changes discover() waits for
    bool abandoned = false;
};

void warn(const std::string& line) { log().warn("{}", core::printable(line)); }

// A source thread's warning, said only while discover() has not returned: a thread still waiting on
// a slow source when the process exits must not log into a logger being torn down. Holding the
// mutex while logging makes discover()'s Abandon wait for a line in progress.
void source_warn(Shared& s, const std::string& line) {
    std::lock_guard lock(s.mutex);
    if (!s.abandoned) warn(line);
}

// One GET within the deadline and the byte budget of the whole discovery.
core::Result<std::optional<std::string>> get(Shared& s, const HttpUrl& url, std::size_t max_body) {
    std::uint64_t budget = 0;
    {
        std::lock_guard lock(s.mutex);
        if (s.abandoned) return fail(Errc::io, "discovery is over");
        if (s.spent >= s.limits.max_total_bytes)
            return fail(Errc::too_large, fmt::format("discovery has downloaded its limit of {} bytes",
                                                     s.limits.max_total_bytes));
        budget = std::min<std::uint64_t>(max_body, s.limits.max_total_bytes - s.spent);
    }
    auto left = std::chrono::ceil<std::chrono::seconds>(s.deadline - Clock::now());
    if (left <= std::chrono::seconds(0)) return fail(Errc::io, "the discovery deadline has passed");
    auto got = seeder_get(url, static_cast<std::size_t>(budget), std::min(left, s.limits.request_timeout));
    if (got && *got) {
        std::lock_guard lock(s.mutex);
        s.spent += (*got)->size();
    }
    return got;
}

// Whether discovery looks at an offer of this network and height at all.
bool in_range(const Shared& s, core::Network network, core::Height height) {
    return network == s.trustnet.network && !(s.installed && height <= *s.installed) &&
           !(s.at_most && height > *s.at_most);
}

// The offers of ours (network, above the installed height, not above at_most), newest first, at
// most offers_per_source of them.
std::vector<Offer> ours(const Shared& s, std::vector<Offer> offers) {
    std::erase_if(offers, [&](const Offer& o) { return !in_range(s, o.network, o.height); });
    std::stable_sort(offers.begin(), offers.end(),
                     [](const Offer& a, const Offer& b) { return a.height > b.height; });
    if (offers.size() > s.limits.offers_per_source) offers.resize(s.limits.offers_per_source);
    return offers;
}

void list_source(Shared& s, std::size_t i) {
    const HttpUrl& source = s.sources[i].source;  // never written after the threads start
    auto url = join_path(source, "v1/releases");
    std::vector<Offer> offers;
    bool answered = false;
    auto body = get(s, url, s.limits.max_list_bytes);
    if (!body || !*body) {
        source_warn(s, fmt::format("{}: {}", url.str(), why_no_body(body)));
    } else {
        std::vector<std::string> skipped;
        auto parsed = parse_release_list(source, **body, skipped, s.authority_origins);
        for (const auto& line : skipped) source_warn(s, line);
        if (!parsed)
            source_warn(s, fmt::format("{}: {}", url.str(), parsed.error().message));
        else
            answered = true, offers = ours(s, std::move(*parsed));
    }
    std::lock_guard lock(s.mutex);
    auto& w = s.sources[i];
    w.listed = true;
    w.answered = answered;
    w.files.resize(offers.size());
    w.offers = std::move(offers);
    ++s.version;
    s.changed.notify_all();
}

// The signature files of trustnet keys an offer lists (one per key, so at most the trustnet's
// size), and its manifest when at least one such file is listed: without one, nothing about the
// manifest can count. Unreadable signatures are passed on empty, so the rule reports them.
OfferFiles fetch_offer(Shared& s, const Offer& o) {
    OfferFiles out;
    std::set<core::KeyId> have;
    std::size_t tries = 0, skipped = 0;
    for (const auto& url : o.signatures) {
        auto named = signature_key_id(url);
        if ((named && (!s.trustnet.find(*named) || have.contains(*named))) ||
            tries == s.trustnet.authorities.size()) {
            ++skipped;
            continue;
        }
        ++tries;
        auto bytes = get(s, url, s.limits.max_signature_bytes);
        if (!bytes || !*bytes) source_warn(s, fmt::format("{}: {}", url.str(), why_no_body(bytes)));
        std::optional<core::KeyId> id = named;
        if (!id && bytes && *bytes)
            if (auto sig = core::parse_signature_file(**bytes)) id = sig->id;
        if (!id || !s.trustnet.find(*id) || (!named && have.contains(*id))) {
            ++skipped;
            continue;
        }
        have.insert(*id);
        out.signatures.push_back({url.str(), bytes && *bytes ? std::move(**bytes) : std::string()});
    }
    if (skipped > 0) {
        std::lock_guard lock(s.mutex);
        if (!s.abandoned)
            log().info("{}: {} signature URL(s) of keys not in the trustnet (or repeated) not fetched",
                       core::printable(o.manifest.str()), skipped);
    }
    if (out.signatures.empty()) return out;
    auto m = get(s, o.manifest, s.limits.max_manifest_bytes);
    if (!m || !*m) {
        source_warn(s, fmt::format("{}: {}", o.manifest.str(), why_no_body(m)));
        return out;
    }
    if (auto shape = core::check_json_shape(**m, kManifestBounds); !shape) {
        source_warn(s, fmt::format("{}: the manifest is {}", o.manifest.str(), shape.error().message));
        return out;
    }
    out.manifest = std::make_shared<const std::string>(std::move(**m));
    return out;
}

// The one copy kept of these manifest bytes (SHA-256 `digest`) for `o`'s height, shared by every
// offer serving them (evaluate_height groups copies by object); null when the height keeps
// max_manifests_per_height others already. Called with the mutex held.
std::shared_ptr<const std::string> shared_copy(Shared& s, const Offer& o, const core::Sha256Digest& digest,
                                               std::shared_ptr<const std::string> manifest) {
    auto& at = s.manifests[o.height];
    if (auto it = at.find(digest); it != at.end()) return it->second;
    if (at.size() >= s.limits.max_manifests_per_height) {
        if (!s.abandoned)  // the mutex is held
            warn(fmt::format("{}: more than {} different manifests for height {}: not kept", o.origin(),
                             s.limits.max_manifests_per_height, o.height.value));
        return nullptr;
    }
    at.emplace(digest, manifest);
    return manifest;
}

// Keeps one copy of each different manifest per height, at most max_manifests_per_height.
void store_files(Shared& s, std::size_t i, std::size_t k, OfferFiles f) {
    const Offer& o = s.sources[i].offers[k];
    std::optional<core::Sha256Digest> digest;
    if (f.manifest) digest = core::sha256(core::as_bytes(*f.manifest));
    std::lock_guard lock(s.mutex);
    if (digest) f.manifest = shared_copy(s, o, *digest, std::move(f.manifest));
    f.done = true;
    s.sources[i].files[k] = std::move(f);
    ++s.version;
    s.changed.notify_all();
}

void work(const std::shared_ptr<Shared>& s, std::size_t i) {
    list_source(*s, i);
    for (std::size_t k = 0;; ++k) {
        Offer o;
        {
            std::lock_guard lock(s->mutex);
            if (s->abandoned || k >= s->sources[i].offers.size()) return;
            o = s->sources[i].offers[k];
        }
        store_files(*s, i, k, fetch_offer(*s, o));
    }
}

// One look at what has arrived: the offers of each height from the sources listed so far, newest
// first, and whether everything about a height is in.
struct HeightView {
    std::vector<const Offer*> offers;
    std::vector<OfferFiles> files;
    bool complete = true;
};

struct Look {
    std::map<core::Height, HeightView, std::greater<>> heights;
    std::uint64_t version = 0;
    bool all_listed = true;
    std::size_t answered = 0;
};

Look look(Shared& s) {
    Look out;
    std::lock_guard lock(s.mutex);
    out.version = s.version;
    for (const auto& w : s.sources) {
        out.all_listed = out.all_listed && w.listed;
        out.answered += w.answered ? 1 : 0;
        for (std::size_t k = 0; k < w.offers.size(); ++k) {
            auto& h = out.heights[w.offers[k].height];
            if (h.offers.size() == s.limits.max_offers_per_height) continue;
            h.offers.push_back(&w.offers[k]);  // never moved once listed
            h.files.push_back(w.files[k]);
            h.complete = h.complete && w.files[k].done;
        }
    }
    while (out.heights.size() > s.limits.max_heights) out.heights.erase(std::prev(out.heights.end()));
    return out;
}

// The outcome so far: the newest accepted release, or the refusal that decides, and whether a
// height above it (or a source not listed yet) is still open.
struct Standing {
    Accepted* accepted = nullptr;          // in the Judge's cache
    std::optional<core::Verdict> refusal;  // the newest refusal, or a conflict
    // Every refusal so far is for signatures not given yet (nothing invalid, nothing contradicting).
    bool only_unsigned = true;
    std::optional<core::Height> unsigned_height;  // the newest of those heights
    std::optional<core::Verdict> unsigned_verdict;
    bool open_above = false;
    std::vector<core::Height> open_heights;
};

std::string heights(const std::vector<core::Height>& hs) {
    std::string out;
    for (auto h : hs) out += (out.empty() ? "" : ", ") + std::to_string(h.value);
    return out;
}

class Judge {
public:
    Judge(const core::Trustnet& tn, std::optional<core::Height> installed) : tn_(tn), installed_(installed) {}

    Standing stand(const Look& l) {
        Standing st;
        st.open_above = !l.all_listed;
        for (const auto& [height, h] : l.heights) {
            if (!h.complete) {
                st.open_above = true;
                st.open_heights.push_back(height);
                // A height accepted before a late source listed it stays accepted while that
                // source's files arrive: they can add signatures or bring a conflict, never less.
                if (auto it = accepted_.find(height); it != accepted_.end()) {
                    st.accepted = &it->second;
                    return st;
                }
                continue;
            }
            auto& r = cached(height, h);
            if (r.accepted) {
                st.accepted = &*r.accepted;
                return st;
            }
            if (!st.refusal || r.verdict.refusal == core::Refusal::conflict) st.refusal = r.verdict;
            if (r.verdict.refusal != core::Refusal::missing_signatures) {
                st.only_unsigned = false;
            } else if (!st.unsigned_height) {
                st.unsigned_height = height;
                st.unsigned_verdict = r.verdict;
            }
            if (r.verdict.refusal == core::Refusal::conflict) {
                st.open_above = false;  // a signed contradiction decides, whatever else comes
                return st;
            }
        }
        return st;
    }

private:
    HeightResult& cached(core::Height height, const HeightView& h) {
        auto it = cache_.find(height);
        if (it != cache_.end() && it->second.first == h.offers.size()) return it->second.second;
        auto r = evaluate_height(tn_, h.offers, h.files, installed_);
        if (!r.accepted) log().info("{}", core::printable(r.verdict.message));
        if (r.accepted)
            accepted_.insert_or_assign(height, *r.accepted);
        else if (r.verdict.refusal == core::Refusal::conflict)
            accepted_.erase(height);
        return cache_.insert_or_assign(height, std::pair{h.offers.size(), std::move(r)}).first->second.second;
    }

    const core::Trustnet& tn_;
    std::optional<core::Height> installed_;
    std::map<core::Height, std::pair<std::size_t, HeightResult>> cache_;
    std::map<core::Height, Accepted> accepted_;  // the last acceptance of each height
};

// The ready offers as one source that has answered with everything fetched, its manifests shared
// with the sources' identical copies (evaluate_height groups copies by object).
void add_ready(Shared& s, const std::vector<ReadyOffer>& ready) {
    std::vector<const ReadyOffer*> kept;
    for (const auto& r : ready)
        if (in_range(s, r.offer.network, r.offer.height)) kept.push_back(&r);
    std::stable_sort(kept.begin(), kept.end(), [](const ReadyOffer* a, const ReadyOffer* b) {
        return a->offer.height > b->offer.height;
    });
    SourceWork w{HttpUrl{}, true, true, {}, {}};
    for (const auto* r : kept) {
        OfferFiles f{r->signatures, r->manifest, true};
        if (f.manifest) {
            const auto digest = core::sha256(core::as_bytes(*f.manifest));  // before the move below
            f.manifest = shared_copy(s, r->offer, digest, std::move(f.manifest));
        }
        w.offers.push_back(r->offer);
        w.files.push_back(std::move(f));
    }
    s.sources.push_back(std::move(w));
}

std::shared_ptr<Shared> start(const core::Trustnet& tn, const std::vector<HttpUrl>& sources,
                              std::optional<core::Height> installed, const DiscoveryLimits& limits,
                              const std::vector<ReadyOffer>* ready, std::optional<core::Height> at_most) {
    auto s = std::make_shared<Shared>();
    s->trustnet = tn;
    s->limits = limits;
    s->installed = installed;
    s->at_most = at_most;
    s->deadline = Clock::now() + limits.timeout;
    for (const auto& a : tn.authorities)
        for (const auto& url : a.urls)
            if (auto u = parse_http_url(url)) s->authority_origins.push_back(u->origin());
    for (const auto& src : sources) s->sources.push_back({src, false, false, {}, {}});
    if (ready) add_ready(*s, *ready);  // after the sources: their threads index sources[i]
    for (std::size_t i = 0; i < sources.size(); ++i) std::thread([s, i] { work(s, i); }).detach();
    return s;
}

// Who has and has not signed the newest release refused for missing signatures only.
Waiting waiting_for(const core::Trustnet& tn, core::Height height, const core::Verdict& v) {
    Waiting w{tn.network, height, v.signers, {}, tn.required()};
    for (const auto& a : tn.authorities)
        if (std::find(v.signers.begin(), v.signers.end(), a.name) == v.signers.end())
            w.missing.push_back(a.name);
    return w;
}

core::Result<Discovery> conclude(const Standing& st, const Look& l, const Shared& s, bool timed_out) {
    Discovery out;
    if (timed_out && (st.open_above || !l.all_listed))
        warn(fmt::format("not waited for: {}", st.open_heights.empty()
                                                   ? std::string("sources that did not list their releases")
                                                   : fmt::format("height(s) {}", heights(st.open_heights))));
    if (st.unsigned_height) out.waiting = waiting_for(s.trustnet, *st.unsigned_height, *st.unsigned_verdict);
    if (st.accepted) {
        out.message = st.accepted->verdict.message;
        out.accepted = std::move(*st.accepted);
        return out;
    }
    // Only signatures are missing above the installed release: that release is still the newest
    // the trustnet accepts, so the store is current; fetch says whom it waits for.
    if (st.refusal && st.only_unsigned && s.installed && out.waiting) {
        out.up_to_date = true;
        out.message =
            fmt::format("no release above the installed height {} is fully signed yet", s.installed->value);
        return out;
    }
    out.waiting.reset();
    if (st.refusal) {
        out.refusal = st.refusal->refusal;
        out.message = st.refusal->message;
        return out;
    }
    if (l.answered == 0)
        return fail(Errc::io, fmt::format("none of the {} release source(s) answered{}", s.sources.size(),
                                          timed_out ? " within the discovery deadline" : ""));
    if (!l.heights.empty())
        return fail(Errc::io, fmt::format("the discovery deadline ({} s) passed before an offered release "
                                          "could be checked",
                                          s.limits.timeout.count()));
    out.up_to_date = true;
    out.message =
        s.installed
            ? fmt::format("no release above the installed height {} is offered", s.installed->value)
            : fmt::format("no release for network {} is offered", core::network_name(s.trustnet.network));
    return out;
}

}  // namespace

core::Result<Discovery> discover(const core::Trustnet& tn, const std::vector<HttpUrl>& sources,
                                 std::optional<core::Height> installed, const DiscoveryLimits& limits,
                                 const std::vector<ReadyOffer>* ready, std::optional<core::Height> at_most) {
    auto s = start(tn, sources, installed, limits, ready, at_most);
    struct Abandon {
        Shared& s;
        ~Abandon() {
            std::lock_guard lock(s.mutex);
            s.abandoned = true;
        }
    } abandon{*s};
    Judge judge(tn, installed);
    // Once a release is accepted, sources still listing or busy with higher heights are waited for
    // as long again as the acceptance took (at least 2 s, at most one request timeout): a dead or
    // slow source costs the others little, on a fast link and on a slow one alike.
    const auto started = Clock::now();
    std::optional<Clock::time_point> patience_end;  // set when a release is first accepted
    for (;;) {
        Look l = look(*s);
        Standing st = judge.stand(l);
        const auto now = Clock::now();
        if (st.accepted && !patience_end)
            patience_end = now + std::clamp<Clock::duration>(now - started, std::chrono::seconds(2),
                                                             limits.request_timeout);
        const bool settled = !st.open_above && l.all_listed;
        const bool timed_out = now >= s->deadline || (patience_end && now >= *patience_end);
        if (settled || timed_out) return conclude(st, l, *s, timed_out);
        std::unique_lock lock(s->mutex);
        s->changed.wait_until(lock, std::min(s->deadline, patience_end.value_or(s->deadline)),
                              [&] { return s->version != l.version; });
    }
}

std::string waiting_line(const Waiting& w) {
    auto list = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
        return out.empty() ? std::string("nobody") : out;
    };
    return fmt::format("waiting for {} to sign {} height {} (signed by {}; {} required)", list(w.missing),
                       core::network_name(w.network), w.height.value, list(w.signers), w.required);
}

}  // namespace utxo::verifier
