"""The classifier both MiniLM fine-tuning scripts train: encoder, mean pooling, dropout, linear head.

Mean pooling over the non-padding tokens is the pooling all-MiniLM-L6-v2 was trained with as a
sentence embedder, so the head starts from meaningful features rather than an untrained [CLS].
"""

from __future__ import annotations

from torch import nn


class PooledClassifier(nn.Module):
    def __init__(self, encoder: nn.Module, outputs: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.config.hidden_size, outputs)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))
