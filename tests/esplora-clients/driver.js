#!/usr/bin/env node
// Drives Esplora clients from npm against a running `utxo-verifier serve` and writes what each one
// got as one JSON report; tests/verifier/esplora_clients_tests.cpp compares it with
// `utxo-verifier utxos --json`. Every client is used as its own documentation says, each through
// another of the prefixes serve accepts:
//
//   @mempool/mempool.js                          { hostname, protocol: 'http' }: /api/…, the default
//                                                network; network 'testnet' and 'signet': /testnet/api/…
//   @atomicfinance/bitcoin-esplora-api-provider  url http://HOST:PORT/regtest/api (Blockstream style)
//   @bitcoinerlab/explorer                       url http://HOST:PORT + --base-path
//
// usage: node driver.js CONFIG.json REPORT.json
//   CONFIG: {"modules":DIR,"host":"127.0.0.1:PORT","base_path":"/esplora","addresses":[...],"height":H}
//   where DIR is the node_modules install.sh filled (outside the source tree)
// REPORT: {"clients":{NAME:{"version","utxos":{ADDRESS:[{"txid","vout","value","height","confirmed"}]
// | {"error":{"status","body"}}},"calls":{CALL:VALUE | {"error":{"status","body"}}}}}}
'use strict';
const fs = require('fs');
const path = require('path');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const base = `http://${config.host}`;

// The packages come from install.sh's node_modules, not from beside this file.
const load = (pkg) => require(path.join(config.modules, pkg));
const version = (pkg) => JSON.parse(fs.readFileSync(path.join(config.modules, pkg, 'package.json'), 'utf8')).version;

// The HTTP status and body of a failed call, as each client reports them: axios errors carry
// `response` (atomicfinance copies it onto its NodeError), bitcoinerlab words them into its message.
function failure(e) {
  const res = e && e.response;
  if (res) return { error: { status: res.status, body: String(res.data) } };
  const m = /^Failed request: ([\s\S]*)\. Status code: (\d+) /.exec((e && e.message) || '');
  if (m) return { error: { status: Number(m[2]), body: m[1] } };
  return { error: { status: 0, body: String((e && e.message) || e) } };
}

async function settle(promise) {
  try {
    return await promise;
  } catch (e) {
    return failure(e);
  }
}

// UTXOs in one shape for the comparison; keys beyond Esplora's are the client's own.
function utxo(u) {
  return {
    txid: u.txid,
    vout: u.vout,
    value: Number(u.value),
    height: u.status ? u.status.block_height : u.blockHeight,
    confirmed: u.status ? u.status.confirmed : undefined,
  };
}

async function each_address(get) {
  const out = {};
  for (const a of config.addresses) {
    const got = await settle(get(a));
    out[a] = Array.isArray(got) ? got.map(utxo) : got;
  }
  return out;
}

// A deliberately unknown txid: what a history endpoint is asked for.
const txid = '00'.repeat(32);
// A minimal transaction in hex (1 input, 1 output): what a wallet would broadcast.
const tx_hex =
  '0200000001' + '11'.repeat(32) + '00000000' + '00' + 'ffffffff' + '01' + 'e803000000000000' + '00' + '00000000';

async function mempool_js() {
  const mempoolJS = load('@mempool/mempool.js');
  const { bitcoin } = mempoolJS({ hostname: config.host, protocol: 'http' });
  const { addresses, blocks, transactions, fees } = bitcoin;
  const first = config.addresses[0];
  const calls = {
    getBlocksTipHeight: await settle(blocks.getBlocksTipHeight()),
    getBlocksTipHash: await settle(blocks.getBlocksTipHash()),
    getBlockHeight: await settle(blocks.getBlockHeight({ height: config.height })),
    'getBlockHeight(other)': await settle(blocks.getBlockHeight({ height: config.height - 1 })),
    getAddress: await settle(addresses.getAddress({ address: first })),
    getAddressTxs: await settle(addresses.getAddressTxs({ address: first })),
    getBlock: await settle(blocks.getBlock({ hash: '00'.repeat(32) })),
    getTx: await settle(transactions.getTx({ txid })),
    postTx: await settle(transactions.postTx({ txhex: tx_hex })),
    getFeesRecommended: await settle(fees.getFeesRecommended()),
  };
  for (const network of ['testnet', 'signet']) {
    const other = mempoolJS({ hostname: config.host, protocol: 'http', network }).bitcoin;
    calls[`getBlocksTipHeight(network ${network})`] = await settle(other.blocks.getBlocksTipHeight());
  }
  return {
    version: version('@mempool/mempool.js'),
    utxos: await each_address((address) => addresses.getAddressTxsUtxo({ address })),
    calls,
  };
}

async function atomicfinance() {
  const { BitcoinEsploraApiProvider: Provider } = load('@atomicfinance/bitcoin-esplora-api-provider');
  const { BitcoinNetworks } = load('bitcoin-network');
  const p = new Provider({ url: `${base}/regtest/api`, network: BitcoinNetworks.bitcoin_regtest });
  const balances = {};
  for (const a of config.addresses) {
    const b = await settle(p.getBalance([a]));
    balances[a] = b && b.error ? b : Number(b.toString());
  }
  return {
    version: version('@atomicfinance/bitcoin-esplora-api-provider'),
    utxos: await each_address((a) => p.getUnspentTransactions([a])),
    calls: {
      getBlockHeight: await settle(p.getBlockHeight()),
      getBlockHash: await settle(p.getBlockHash(config.height)),
      getBalance: balances,
      getTransaction: await settle(p.getTransaction(txid)),
      getAddressTransactionCounts: await settle(p.getAddressTransactionCounts([config.addresses[0]])),
      sendRawTransaction: await settle(p.sendRawTransaction(tx_hex)),
    },
  };
}

async function bitcoinerlab() {
  const { EsploraExplorer } = load('@bitcoinerlab/explorer');
  const e = new EsploraExplorer({ url: `${base}${config.base_path}`, timeout: 10000 });
  await e.connect();
  const calls = {
    isConnected: await settle(e.isConnected()),
    fetchBlockHeight: await settle(e.fetchBlockHeight()),
    fetchAddress: await settle(e.fetchAddress(config.addresses[0])),
    fetchTxHistory: await settle(e.fetchTxHistory({ address: config.addresses[0] })),
    fetchFeeEstimates: await settle(e.fetchFeeEstimates()),
    push: await settle(e.push(tx_hex)),
  };
  e.close();
  return { version: version('@bitcoinerlab/explorer'), calls };
}

(async () => {
  const report = { clients: {} };
  report.clients['@mempool/mempool.js'] = await mempool_js();
  report.clients['@atomicfinance/bitcoin-esplora-api-provider'] = await atomicfinance();
  report.clients['@bitcoinerlab/explorer'] = await bitcoinerlab();
  fs.writeFileSync(process.argv[3], JSON.stringify(report, null, 1) + '\n');
})().catch((e) => {
  process.stderr.write(`driver: ${(e && e.stack) || e}\n`);
  process.exit(1);
});
