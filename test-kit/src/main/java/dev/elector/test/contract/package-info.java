/**
 * The contract suite for backend authors: extend {@link dev.elector.test.contract.ElectionContract} with a
 * cluster of your backend and every behaviour Elector promises is tested against it.
 */
package dev.elector.test.contract;
