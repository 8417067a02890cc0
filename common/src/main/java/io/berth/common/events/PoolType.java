package io.berth.common.events;

/** Whether any assigned user may land on any host ({@code POOLED}) or each user owns one host ({@code PERSONAL}). */
public enum PoolType { POOLED, PERSONAL }
