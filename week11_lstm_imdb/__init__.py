"""Week 11: IMDB sentiment with a bi-LSTM, Word2Vec embeddings and attention pooling, against TF-IDF."""
